// The client's request body: kept as the exact bytes for forwarding, decoded once for routing.

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
  let text: string | null = null;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    text = null;
  }
  let parsed: { value: unknown } | null = null;
  const json = () => {
    if (parsed) return parsed.value;
    let value: unknown = null;
    const t = text?.trimStart();
    if (t && (t[0] === "{" || t[0] === "[")) {
      try {
        value = JSON.parse(t);
      } catch {
        value = null;
      }
    }
    parsed = { value };
    return value;
  };
  return { bytes, encoding, text, json };
}

/** Bytes for a body the proxy rewrote (always sent uncompressed). */
export function encodeJson(json: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(json));
}
