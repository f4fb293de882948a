import { gunzipSync, zstdDecompressSync } from "node:zlib";
import { errorCode } from "@prodex/guards";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.ts";
import { isJson } from "./json-syntax.ts";

// The client's request body: kept as the exact bytes for forwarding, decoded once for routing.
// Every read is bounded: a body that grows past the limit (declared, streamed or once
// decompressed) is refused as soon as it does, never buffered whole first.

export type RequestBody = {
  /** What goes upstream unless the proxy rewrites the body. */
  bytes: Uint8Array;
  /** `content-encoding` of `bytes` (zstd from Codex's built-in provider), or null. */
  encoding: string | null;
  /** The decoded body (null when it is not UTF-8 text). */
  text: string | null;
  /** Parsed JSON, on first call only (null when the body is not JSON; it is then forwarded as is). */
  json(): unknown;
};

export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Set when the body is not JSON at all (routes may word that their own way). */
    readonly notJson = false,
  ) {
    super(message);
  }
}

export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Control bodies (token refresh, dashboard control, broker leases) are a few hundred bytes. */
export const SMALL_BODY_BYTES = 64 * 1024;

const DECODERS: Record<string, (bytes: Uint8Array, options: { maxOutputLength: number }) => Uint8Array> = {
  zstd: zstdDecompressSync,
  gzip: gunzipSync,
};

/** Bodies read already by an in-process caller, by the request it hands to the proxy (handOverBody). */
const handedOver = new WeakMap<Request, RequestBody>();

/**
 * `req` goes to the proxy in-process with `body` read from it already (a team gateway's front door): the proxy's
 * routes take that read — its text decoded and its JSON parsed once — rather than reading the same bytes again.
 */
export function handOverBody(req: Request, body: RequestBody): Request {
  handedOver.set(req, body);
  return req;
}

export async function readRequestBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<RequestBody> {
  const held = handedOver.get(req);
  // Over a route's own limit, the bytes still in `req` are read as usual, and refused as usual.
  if (held && held.bytes.byteLength <= maxBytes) return held;
  const length = req.headers.get("content-length");
  const declared = Number(length ?? 0);
  if (declared > maxBytes)
    throw new BodyError(`request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, 413);
  // A declared length is enforced by the HTTP parser; a streamed (chunked) body is counted as it arrives.
  const bytes = length !== null ? new Uint8Array(await req.arrayBuffer()) : await readCapped(req.body, maxBytes);
  if (bytes.byteLength > maxBytes) throw new BodyError(`request body exceeds the ${maxBytes}-byte limit`, 413);
  const encoding = req.headers.get("content-encoding")?.toLowerCase() ?? null;
  const plain = encoding ? decode(bytes, encoding, maxBytes) : bytes;
  let text: string | null = null;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    text = null;
  }
  let parsed: { value: unknown } | null = null;
  const json = () => (parsed ??= { value: parseContainer(text) }).value;
  return { bytes, encoding, text, json };
}

/** A small JSON object or array (a control request), read within `maxBytes`; else the error to answer with. */
export async function readSmallJson(
  req: Request,
  maxBytes = SMALL_BODY_BYTES,
): Promise<{ json: unknown } | { error: BodyError }> {
  try {
    const json = (await readRequestBody(req, maxBytes)).json();
    return json === null ? { error: notJson() } : { json };
  } catch (error) {
    return { error: error instanceof BodyError ? error : new BodyError("cannot read the request body", 400) };
  }
}

/** Decompresses zstd or gzip with an output cap (a few KB of zstd can expand to gigabytes); other encodings stay as they are. */
function decode(bytes: Uint8Array, encoding: string, maxBytes: number): Uint8Array {
  const decoder = DECODERS[encoding];
  if (!decoder) return bytes;
  try {
    return decoder(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if (tooLarge(error)) throw new BodyError(`request body exceeds the ${maxBytes}-byte limit once decompressed`, 413);
    throw new BodyError(`request body says ${encoding} but does not decompress`, 400);
  }
}

function tooLarge(error: unknown): boolean {
  return errorCode(error) === "ERR_BUFFER_TOO_LARGE";
}

async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    size += r.value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      throw new BodyError(`request body exceeds the ${maxBytes}-byte limit`, 413);
    }
    chunks.push(r.value);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}

/**
 * The inference routes take a JSON request (an object or array): anything else is refused here
 * with a clear line rather than spent on an account's upstream request.
 */
export function jsonBodyError(body: RequestBody): BodyError | null {
  return formatError(body) ?? depthError(body) ?? (body.json() === null ? notJson() : null);
}

/** Routes that parse a request walk it recursively: nesting past MAX_JSON_DEPTH is refused before that. */
function depthError(body: RequestBody): BodyError | null {
  if (body.text === null || !nestsDeeperThan(body.text, MAX_JSON_DEPTH)) return null;
  return new BodyError(
    `request body nests JSON deeper than ${MAX_JSON_DEPTH} levels, the limit; flatten it (a tool input_schema, for example)`,
    400,
  );
}

/** `jsonBodyError` for a body that is forwarded as bytes: the same answer, without parsing it. */
export function forwardedJsonError(body: RequestBody): BodyError | null {
  return formatError(body) ?? (body.text !== null && CONTAINER.test(body.text) && isJson(body.text) ? null : notJson());
}

function formatError(body: RequestBody): BodyError | null {
  const { encoding } = body;
  if (encoding && encoding !== "identity" && !DECODERS[encoding])
    return new BodyError(`request body has content-encoding ${encoding}; send it uncompressed, zstd or gzip`, 415);
  if (body.text === null) return new BodyError("request body is not valid UTF-8 text; send a JSON request", 400);
  return null;
}

const notJson = () => new BodyError("request body is not valid JSON; send a JSON request", 400, true);

/** JSON whitespace, then the start of an object or array. */
const CONTAINER = /^[ \t\n\r]*[{[]/;

function parseContainer(text: string | null): unknown {
  if (text === null || !CONTAINER.test(text)) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Bytes for a body the proxy rewrote (always sent uncompressed). */
export function encodeJson(json: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(json));
}
