/**
 * Added latency of the Claude translation layer, per request at concurrency 1:
 * a real captured Claude Code request (tool round trip, ~80 KB) → Responses body (+ the JSON.stringify
 * the proxy needs to send it), and a 64-delta upstream stream → SSE parse → Anthropic SSE.
 * Run: bun run bench:translate   (target: p99 ≤ 1 ms for the whole path)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type AnthropicRequest,
  AnthropicStreamTranslator,
  SseParser,
  anthropicToResponses,
  encodeSse,
  estimateTokens,
} from "@prodex/proxy";
import { PROXY_FIXTURES } from "../harness/paths.ts";

const raw = readFileSync(join(PROXY_FIXTURES, "claude/run3-tool-turn2.json"), "utf8");
const request = JSON.parse(raw) as AnthropicRequest;

/** A realistic upstream stream: created, a reasoning item (8 summary deltas), a 64-delta text item, completed. */
function upstreamStream(): Uint8Array[] {
  const events: Record<string, unknown>[] = [
    {
      type: "response.created",
      sequence_number: 0,
      response: { id: "resp_bench", object: "response", model: "gpt-5", status: "in_progress", output: [] },
    },
    { type: "response.output_item.added", output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } },
  ];
  for (let i = 0; i < 8; i++)
    events.push({
      type: "response.reasoning_summary_text.delta",
      item_id: "rs_1",
      output_index: 0,
      summary_index: 0,
      delta: `thought ${i} `,
    });
  events.push({
    type: "response.output_item.done",
    output_index: 0,
    item: {
      id: "rs_1",
      type: "reasoning",
      summary: [{ type: "summary_text", text: "…" }],
      encrypted_content: "gAAAAB".padEnd(1200, "x"),
    },
  });
  events.push({
    type: "response.output_item.added",
    output_index: 1,
    item: { id: "msg_1", type: "message", role: "assistant", status: "in_progress", content: [] },
  });
  let text = "";
  for (let i = 0; i < 64; i++) {
    const delta = `word${i} "quoted" \n`;
    text += delta;
    events.push({ type: "response.output_text.delta", item_id: "msg_1", output_index: 1, content_index: 0, delta });
  }
  const done = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text, annotations: [] }],
  };
  events.push({ type: "response.output_item.done", output_index: 1, item: done });
  events.push({
    type: "response.completed",
    response: {
      id: "resp_bench",
      status: "completed",
      output: [done],
      usage: { input_tokens: 20000, input_tokens_details: { cached_tokens: 18000 }, output_tokens: 300 },
    },
  });
  const enc = new TextEncoder();
  return events.map((e) => enc.encode(encodeSse({ event: e.type as string, data: JSON.stringify(e) })));
}

const chunks = upstreamStream();

function requestPath(): number {
  const r = anthropicToResponses(request);
  if (!r.ok) throw r.error;
  return JSON.stringify(r.body).length + estimateTokens(request);
}

function streamPath(): number {
  const parser = new SseParser();
  const t = new AnthropicStreamTranslator({ model: "claude-opus-4-8", inputTokensEstimate: 20000 });
  let bytes = 0;
  for (const c of chunks) for (const m of parser.feed(c)) bytes += t.pushData(m.data).length;
  for (const m of parser.flush()) bytes += t.pushData(m.data).length;
  return bytes + t.finish().length;
}

function measure(name: string, fn: () => number, iterations = 3000): number[] {
  for (let i = 0; i < 1000; i++) fn(); // warm up the JIT
  const times: number[] = [];
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    sink += fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  console.log(
    `${name.padEnd(44)} p50 ${pct(0.5).toFixed(3)} ms   p99 ${pct(0.99).toFixed(3)} ms   (n=${iterations}, sink ${sink % 7})`,
  );
  return times;
}

const translated = anthropicToResponses(request);
if (!translated.ok) throw translated.error;
const upstreamBody = translated.body;

console.log(
  `request: ${(raw.length / 1024).toFixed(0)} KB, ${request.messages.length} messages, ${request.tools?.length ?? 0} tools; stream: ${chunks.length} events`,
);
measure("  translate only (zod validate + map)", () => (anthropicToResponses(request).ok ? 1 : 0));
measure("  JSON.stringify of the upstream body", () => JSON.stringify(upstreamBody).length);
measure("  estimateTokens", () => estimateTokens(request));
measure("request → Responses body (+ stringify)", requestPath);
measure("64-delta stream: SSE parse + translate", streamPath);
measure("whole request path (both)", () => requestPath() + streamPath());
