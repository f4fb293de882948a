// One HTTP attempt on one account for rotate(): fetch (a stall timer for an upstream that never
// answers), then hold an SSE answer until the commit point. Everything it cannot decide alone
// (rest, retry, move on) goes back to the loop as an AttemptResult.
import { parseJson } from "@prodex/guards";
import type { AffinityKeys } from "../affinity/affinity-keys.ts";
import { foreignBlobs, stripEncrypted } from "../affinity/affinity-keys.ts";
import { faultyFetch } from "../faults/upstream-faults.ts";
import { classifyNetworkError, classifyResponse, rejectsEncrypted } from "../rotation/classify.ts";
import type { AttemptInput, AttemptResult, Owner, UpstreamPort } from "../rotation/ports.ts";
import { UpstreamStalledError, UpstreamStream, type HoldResult } from "../stream/upstream-stream.ts";
import { upstreamRequestHeaders } from "../upstream/headers.ts";
import { type RequestBody, encodeJson } from "../upstream/request-body.ts";
import type { LocalAnswer } from "./local-answers.ts";
import type { RequestMeta } from "./request-ledger.ts";
import type { ProxyState } from "./proxy-state.ts";

export type HttpRequest = {
  method: string;
  /** Path under the ChatGPT base, with query, e.g. "/codex/responses". */
  path: string;
  headers: Headers;
  body: RequestBody | null;
  keys: AffinityKeys;
  /** Hold the SSE answer until the commit point (inference); false = unary pass-through. */
  stream: boolean;
  signal: AbortSignal;
  /**
   * The bytes for one account, when they depend on it (translated Claude requests: reasoning only
   * its owner can read). Overrides `body`.
   */
  bodyFor?: (profile: string) => Uint8Array | string;
};

export type Committed = {
  kind: "committed";
  profile: string;
  response: Response;
  /** Present for held streams: the buffered head and the reader to continue with. */
  stream: UpstreamStream | null;
  hold: Extract<HoldResult, { kind: "commit" }> | null;
  attempts: number;
  startedAt: number;
  /** The request as the usage ledger records it when its answer ends. */
  meta: RequestMeta;
  /** Encrypted reasoning left out of what this account received (it belongs to another). */
  stripped: ReadonlySet<string>;
};

/** The upstream's last error answer: passed on when no account can serve. */
export type HttpLastWord = LocalAnswer;

export function httpAttempt(
  state: ProxyState,
  req: HttpRequest,
  owner: Owner | null,
  meta: RequestMeta,
): UpstreamPort<Committed, HttpLastWord> {
  return { attempt: (input) => attempt(state, req, owner, meta, input) };
}

async function attempt(
  state: ProxyState,
  req: HttpRequest,
  owner: Owner | null,
  meta: RequestMeta,
  input: AttemptInput,
): Promise<AttemptResult<Committed, HttpLastWord>> {
  const { ctx } = state;
  const { name, auth } = input;
  const body = req.bodyFor
    ? { bytes: req.bodyFor(name), rewritten: true, stripped: NONE }
    : bodyFor(state, req, owner?.profile ?? null, name, input.bare);
  const committed = (
    response: Response,
    stream: UpstreamStream | null,
    hold: Committed["hold"],
  ): AttemptResult<Committed, HttpLastWord> => ({
    kind: "served",
    value: {
      kind: "committed",
      profile: name,
      response,
      stream,
      hold,
      attempts: 0,
      startedAt: meta.startedAt,
      meta,
      stripped: body.stripped,
    },
  });
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  req.signal.addEventListener("abort", onAbort, { once: true });
  const url = `${state.upstreamBase}${req.path}`;
  const init: RequestInit = {
    method: req.method,
    headers: upstreamRequestHeaders(req.headers, auth, { dropContentEncoding: body.rewritten }),
    body: body.bytes,
    signal: controller.signal,
    redirect: "manual",
  };
  let response: Response;
  // An upstream that never starts answering is as good as down: give the request to another account.
  const silent = setTimeout(() => controller.abort(new UpstreamStalledError(state.stallMs)), state.stallMs);
  try {
    response = await (ctx.faults ? faultyFetch(ctx.faults, name, state.fetch, url, init) : state.fetch(url, init));
  } catch (error) {
    req.signal.removeEventListener("abort", onAbort);
    if (req.signal.aborted) return GONE;
    const verdict = classifyNetworkError(
      controller.signal.reason instanceof UpstreamStalledError ? controller.signal.reason : error,
    );
    return verdict.action === "commit" ? GONE : { kind: "failed", verdict, last: null };
  } finally {
    clearTimeout(silent);
  }

  const verdict = classifyResponse(response.status, response.headers, null, ctx.now());
  if (verdict.action === "commit" && response.status < 400) {
    if (!req.stream || !isSse(response)) {
      req.signal.removeEventListener("abort", onAbort);
      return committed(response, null, null);
    }
    const stream = new UpstreamStream(response.body ?? emptyBody(), controller, ctx.now, state.stallMs);
    const held = await stream.hold(state.hold);
    if (held.kind === "commit") return committed(response, stream, held);
    req.signal.removeEventListener("abort", onAbort);
    // The client left while the answer was held: the broken read is its doing, not the account's.
    if (req.signal.aborted) return GONE;
    return { kind: "failed", verdict: held.verdict, last: null };
  }

  // An error status: read it (bounded) to classify and, if it is the last word, pass it on.
  const text = await readBounded(response, 64 * 1024);
  req.signal.removeEventListener("abort", onAbort);
  const errorBody = parseJson(text);
  const last: HttpLastWord = { status: response.status, headers: response.headers, body: text };
  // Reasoning this account cannot decrypt (made elsewhere, bindings unknown): the loop retries it bare once.
  if (response.status === 400 && req.keys.encryptedItems > 0 && !input.bare && rejectsEncrypted(errorBody))
    return { kind: "rejected-reasoning", last };
  const full = classifyResponse(response.status, response.headers, errorBody, ctx.now());
  if (full.action === "commit")
    return committed(new Response(text, { status: response.status, headers: response.headers }), null, null);
  return { kind: "failed", verdict: full, last };
}

const GONE: AttemptResult<never, never> = { kind: "gone" };
const NONE: ReadonlySet<string> = new Set();

/** The bytes to send to `name`: the original, or without encrypted reasoning it cannot read. */
function bodyFor(
  state: ProxyState,
  req: HttpRequest,
  owner: string | null,
  name: string,
  all: boolean,
): { bytes: Uint8Array | undefined; rewritten: boolean; stripped: ReadonlySet<string> } {
  if (!req.body) return { bytes: undefined, rewritten: false, stripped: NONE };
  if (req.keys.encryptedItems === 0) return { bytes: req.body.bytes, rewritten: false, stripped: NONE };
  const foreign = all
    ? new Set(req.keys.encrypted)
    : foreignBlobs(req.keys, name, owner, (kind, key) => state.bindings.lookup(kind, key));
  const json = foreign.size > 0 ? req.body.json() : null;
  if (!json || typeof json !== "object" || Array.isArray(json))
    return { bytes: req.body.bytes, rewritten: false, stripped: NONE };
  return {
    bytes: encodeJson(stripEncrypted(json as Record<string, unknown>, foreign).body),
    rewritten: true,
    stripped: foreign,
  };
}

function isSse(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").includes("text/event-stream");
}

function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}

async function readBounded(response: Response, max: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      chunks.push(r.value);
      size += r.value.byteLength;
      if (size >= max) {
        reader.cancel().catch(() => {});
        break;
      }
    }
  } catch {
    // a broken error body is still an error; classify on what arrived
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
