/** The last N requests the mock saw, with secrets cut down to their last 6 characters. */
import type { RecordedRequest, RequestFilter } from "./types.ts";

export const RECORD_LIMIT = 2000;

/** "Bearer eyJ…xyz123" → "Bearer …xyz123": enough to tell tokens apart, useless to replay. */
export function redact(value: string): string {
  const [scheme, token] = value.includes(" ") ? value.split(" ", 2) : ["", value];
  const tail = (token ?? "").slice(-6);
  return scheme ? `${scheme} …${tail}` : `…${tail}`;
}

export function recordHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = name === "authorization" ? redact(value) : value;
  });
  return out;
}

/** Refresh tokens in recorded bodies get the same treatment as the authorization header. */
export function recordBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("refresh_token" in body)) return body;
  const token = body.refresh_token;
  return { ...body, refresh_token: typeof token === "string" ? redact(token) : token };
}

export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  constructor(private limit = RECORD_LIMIT) {}

  add(entry: Omit<RecordedRequest, "seq">): RecordedRequest {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    // Drop in batches so a busy mock does not shift the array on every request.
    if (this.entries.length > this.limit + 100) this.entries = this.entries.slice(-this.limit);
    return full;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries
      .slice(-this.limit)
      .filter(
        (r) =>
          (filter.path === undefined || r.path === filter.path) &&
          (filter.accountId === undefined || r.accountId === filter.accountId),
      );
  }
}
