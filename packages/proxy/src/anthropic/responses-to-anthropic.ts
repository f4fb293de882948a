import { type JsonRecord as Obj, asNumber as num, asRecord as obj, asString as str } from "@prodex/guards";
import { failureOf, mapUsage, messageText, reasoningText, stopReasonOf } from "./responses-to-message.ts";
import { encodeSignature } from "./signature.ts";
import type { AnthropicErrorBody, AnthropicErrorType, AnthropicUsage, ResponsesEvent, StopReason } from "./types.ts";

export type StreamTranslatorOptions = {
  /** The model name Claude asked for (echoed back; Claude Code checks it). */
  model: string;
  messageId?: string;
  /** Input tokens for message_start, before upstream reports real usage. */
  inputTokensEstimate?: number;
  /** Upstream → Claude tool names (from the request translation). */
  toolNames?: ReadonlyMap<string, string>;
  /** Owner tag written into thinking signatures (see signature.ts). */
  owner?: string;
};

/** Keep-alive frame Claude Code accepts between events (e.g. while the model reasons without summaries). */
export const ANTHROPIC_PING = 'event: ping\ndata: {"type":"ping"}\n\n';

type Kind = "text" | "thinking" | "tool";

/** One upstream output item and the Anthropic block it streams into. */
type Item = {
  kind: Kind;
  /** Anthropic block index; -1 until opened. */
  block: number;
  closed: boolean;
  /** What was already written into the block (text, thinking or JSON arguments). */
  sent: string;
  summaryIndex: number;
  callId?: string;
  name?: string;
};

/**
 * Turns upstream Responses stream events into Claude Messages SSE, one event at a time.
 *
 * `push` returns the SSE text to write (often ""); `finish` closes a stream that upstream ended
 * without a terminal event. Blocks are written one at a time, as Claude Code expects: when upstream
 * moves to another output item, the open block is closed. Frames are built by string concatenation
 * so each delta costs one JSON.stringify of its text.
 *
 * For retries: while `hasContent` is false nothing but message_start has been produced, so a proxy
 * that buffers until then may drop the output and retry elsewhere when `failure` is set.
 */
export class AnthropicStreamTranslator {
  private started = false;
  private ended = false;
  private next = 0;
  private open: Item | null = null;
  private items = new Map<number | string, Item>();
  private toolUses = 0;
  private stop: StopReason | null = null;
  private finalUsage: AnthropicUsage | null = null;
  private failed: AnthropicErrorBody | null = null;
  private respId: string | undefined;
  private out = "";

  constructor(private opts: StreamTranslatorOptions) {}

  /** True once a content block was started (the client has seen model output). */
  get hasContent(): boolean {
    return this.next > 0;
  }
  /** True after message_stop or an error frame; later pushes return "". */
  get done(): boolean {
    return this.ended;
  }
  get stopReason(): StopReason | null {
    return this.stop;
  }
  get usage(): AnthropicUsage | null {
    return this.finalUsage;
  }
  get failure(): AnthropicErrorBody | null {
    return this.failed;
  }

  /** Convenience for raw SSE `data:` payloads; ignores `[DONE]` and non-JSON data. */
  pushData(data: string): string {
    if (this.ended || data === "[DONE]") return "";
    let v: unknown;
    try {
      v = JSON.parse(data);
    } catch {
      return "";
    }
    const e = obj(v);
    return e && typeof e.type === "string" ? this.push(e as ResponsesEvent) : "";
  }

  push(e: ResponsesEvent): string {
    if (this.ended) return "";
    this.out = "";
    switch (e.type) {
      case "response.created":
      case "response.in_progress":
        this.respId ??= str(obj(e.response)?.id);
        this.start();
        break;
      case "response.output_item.added":
        this.itemAdded(e);
        break;
      case "response.output_text.delta":
      case "response.refusal.delta":
        this.delta(e, "text");
        break;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        this.delta(e, "thinking");
        break;
      case "response.function_call_arguments.delta":
        this.delta(e, "tool");
        break;
      case "response.output_item.done":
        this.itemDone(e);
        break;
      case "response.completed":
      case "response.incomplete":
        this.complete(obj(e.response));
        break;
      case "response.failed":
        this.fail(failureOf(obj(e.response) ?? {}));
        break;
      case "error":
        this.fail(failureOf(e));
        break;
    }
    return this.out;
  }

  /** Upstream ended without a terminal event: close what is open and end the message. Idempotent. */
  finish(): string {
    if (this.ended) return "";
    this.out = "";
    this.complete(undefined);
    return this.out;
  }

  /** Ends the stream with an Anthropic error frame (e.g. the upstream connection broke). Idempotent. */
  error(type: AnthropicErrorType, message: string): string {
    if (this.ended) return "";
    this.out = "";
    this.fail({ type: "error", error: { type, message } });
    return this.out;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const id =
      this.opts.messageId ??
      (this.respId ? `msg_${this.respId.replace(/^resp_/, "")}` : `msg_${crypto.randomUUID().replaceAll("-", "")}`);
    const message = {
      id,
      type: "message",
      role: "assistant",
      model: this.opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: this.opts.inputTokensEstimate ?? 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 0,
      },
    };
    this.frame("message_start", JSON.stringify({ type: "message_start", message }));
  }

  private key(e: Obj): number | string {
    return num(e.output_index) ?? str(e.item_id) ?? str(obj(e.item)?.id) ?? -1;
  }

  private item(e: Obj, kind: Kind): Item {
    const k = this.key(e);
    let it = this.items.get(k);
    if (!it) {
      it = { kind, block: -1, closed: false, sent: "", summaryIndex: 0 };
      this.items.set(k, it);
    }
    return it;
  }

  private itemAdded(e: ResponsesEvent): void {
    this.start();
    const item = obj(e.item);
    const type = str(item?.type);
    if (!item || type !== "function_call") return; // text and thinking blocks open on their first delta
    const it = this.item(e, "tool");
    it.callId = str(item.call_id) ?? str(item.id);
    it.name = str(item.name);
    this.ensureOpen(it);
    const args = str(item.arguments);
    if (args) this.write(it, args);
  }

  private delta(e: ResponsesEvent, kind: Kind): void {
    this.start();
    const text = str(e.delta);
    if (!text) return;
    const it = this.item(e, kind);
    if (kind === "thinking") {
      // A new summary part is a new paragraph.
      const idx = num(e.summary_index) ?? it.summaryIndex;
      if (idx !== it.summaryIndex && it.sent) this.write(it, "\n\n");
      it.summaryIndex = idx;
    }
    this.write(it, text);
  }

  private itemDone(e: ResponsesEvent): void {
    this.start();
    const item = obj(e.item);
    if (!item) return;
    const type = str(item.type);
    if (type === "message") {
      this.reconcile(this.item(e, "text"), messageText(item));
    } else if (type === "reasoning") {
      const it = this.item(e, "thinking");
      this.reconcile(it, reasoningText(item));
      const enc = str(item.encrypted_content);
      if (enc && this.ensureOpen(it)) this.signature(it, encodeSignature(enc, this.opts.owner));
    } else if (type === "function_call") {
      const it = this.item(e, "tool");
      it.callId ??= str(item.call_id) ?? str(item.id);
      it.name ??= str(item.name);
      this.reconcile(it, str(item.arguments) ?? "");
      this.ensureOpen(it);
    } else {
      return; // hosted tool calls and other item types have no Claude equivalent
    }
    const it = this.items.get(this.key(e));
    if (it) this.close(it);
  }

  /** Sends what the final item holds beyond what was streamed (all of it when nothing was). */
  private reconcile(it: Item, final: string): void {
    if (final.length > it.sent.length && final.startsWith(it.sent)) this.write(it, final.slice(it.sent.length));
  }

  private complete(response: Obj | undefined): void {
    this.start();
    if (this.items.size === 0 && response) {
      // Upstream sent only a final response: replay its output as finished items.
      const output = Array.isArray(response.output) ? response.output : [];
      for (const [i, item] of output.entries())
        this.itemDone({ type: "response.output_item.done", output_index: i, item });
    }
    if (this.open) this.close(this.open);
    this.stop = stopReasonOf(response, this.toolUses > 0);
    this.finalUsage = mapUsage(response?.usage, this.opts.inputTokensEstimate);
    const u = this.finalUsage;
    this.frame(
      "message_delta",
      `{"type":"message_delta","delta":{"stop_reason":"${this.stop}","stop_sequence":null},"usage":{"input_tokens":${u.input_tokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":${u.cache_read_input_tokens},"output_tokens":${u.output_tokens}}}`,
    );
    this.frame("message_stop", `{"type":"message_stop"}`);
    this.ended = true;
  }

  private fail(body: AnthropicErrorBody): void {
    this.failed = body;
    this.frame("error", JSON.stringify(body));
    this.ended = true;
  }

  /** Opens the item's block (closing another open one). False when it cannot be (re)opened. */
  private ensureOpen(it: Item): boolean {
    if (this.open === it) return true;
    if (it.closed && it.kind === "tool") return false; // a tool call cannot be continued in a second block
    if (this.open) this.close(this.open);
    it.block = this.next++;
    it.closed = false;
    let block: string;
    if (it.kind === "text") block = `{"type":"text","text":""}`;
    else if (it.kind === "thinking") block = `{"type":"thinking","thinking":"","signature":""}`;
    else {
      this.toolUses++;
      const name = it.name ?? "";
      block = JSON.stringify({
        type: "tool_use",
        id: it.callId ?? `call_${it.block}`,
        name: this.opts.toolNames?.get(name) ?? name,
        input: {},
      });
    }
    this.frame("content_block_start", `{"type":"content_block_start","index":${it.block},"content_block":${block}}`);
    this.open = it;
    return true;
  }

  private write(it: Item, text: string): void {
    // A tool block needs its call id and name first; arguments seen before output_item.added wait for done.
    if (it.kind === "tool" && it.callId === undefined) return;
    if (!this.ensureOpen(it)) return;
    it.sent += text;
    const t = JSON.stringify(text);
    const delta =
      it.kind === "text"
        ? `{"type":"text_delta","text":${t}}`
        : it.kind === "thinking"
          ? `{"type":"thinking_delta","thinking":${t}}`
          : `{"type":"input_json_delta","partial_json":${t}}`;
    this.frame("content_block_delta", `{"type":"content_block_delta","index":${it.block},"delta":${delta}}`);
  }

  private signature(it: Item, sig: string): void {
    this.frame(
      "content_block_delta",
      `{"type":"content_block_delta","index":${it.block},"delta":{"type":"signature_delta","signature":${JSON.stringify(sig)}}}`,
    );
  }

  private close(it: Item): void {
    if (it.closed || it.block < 0) return;
    it.closed = true;
    if (this.open === it) this.open = null;
    this.frame("content_block_stop", `{"type":"content_block_stop","index":${it.block}}`);
  }

  private frame(event: string, data: string): void {
    this.out += `event: ${event}\ndata: ${data}\n\n`;
  }
}
