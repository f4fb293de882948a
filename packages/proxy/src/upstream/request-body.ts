// The client's request body: kept as the exact bytes for forwarding, decoded once for routing.

export type RequestBody = {
  /** What goes upstream unless the proxy rewrites the body. */
  bytes: Uint8Array;
  /** `content-encoding` of `bytes` (zstd from Codex's built-in provider), or null. */
  encoding: string | null;
  /** Parsed JSON (null when the body is not JSON; it is then forwarded as is). */
  json: unknown;
};

export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readRequestBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<RequestBody> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new BodyError(`request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, 413);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new BodyError(`request body exceeds the ${maxBytes}-byte limit`, 413);
  const encoding = req.headers.get("content-encoding")?.toLowerCase() ?? null;
  let plain: Uint8Array = bytes;
  if (encoding === "zstd") {
    try {
      plain = Bun.zstdDecompressSync(bytes);
    } catch {
      throw new BodyError("request body says zstd but does not decompress", 400);
    }
  } else if (encoding === "gzip") {
    try {
      plain = Bun.gunzipSync(bytes);
    } catch {
      throw new BodyError("request body says gzip but does not decompress", 400);
    }
  }
  if (plain.byteLength > maxBytes) throw new BodyError(`request body exceeds the ${maxBytes}-byte limit once decompressed`, 413);
  let json: unknown = null;
  if (plain.byteLength > 0 && (plain[0] === 0x7b || plain[0] === 0x5b || plain[0] === 0x20 || plain[0] === 0x0a)) {
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
    } catch {
      json = null;
    }
  }
  return { bytes, encoding, json };
}

/** Bytes for a body the proxy rewrote (always sent uncompressed). */
export function encodeJson(json: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(json));
}
