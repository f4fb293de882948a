// Reading the proxy's runtime log (text format) for what the client cannot see: how many
// attempts each request took, and which requests no account could serve.

export type LogLine = { level: string; message: string; fields: Record<string, string> };

const LINE = /^\S+ (DEBUG|INFO|WARN|ERROR)\s+(.*)$/;
const FIELD = / (\w+)=("(?:[^"\\]|\\.)*"|\S+)/g;

/** One text line (`<time> LEVEL message k=v k="v w"`), or null for anything else. */
export function parseLine(line: string): LogLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const rest = m[2] ?? "";
  const first = rest.search(/ \w+=/);
  const message = first < 0 ? rest : rest.slice(0, first);
  const fields: Record<string, string> = {};
  for (const f of rest.slice(message.length).matchAll(FIELD)) {
    const raw = f[2] ?? "";
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = String(JSON.parse(raw));
      } catch {
        value = raw.slice(1, -1);
      }
    }
    fields[f[1] ?? ""] = value;
  }
  return { level: m[1] ?? "", message, fields };
}

export type LogSummary = {
  /** `request` lines: one per request the proxy finished (HTTP and websocket). */
  requests: number;
  /** Extra attempts: the sum of (attempts − 1) over those requests. */
  retries: number;
  /** Requests that needed more than one attempt. */
  retried: number;
  /** `attempt failed` lines, by kind (quota, transient, overload, auth). */
  failedAttempts: Record<string, number>;
  /** `no account could serve` lines. */
  unserved: number;
  /** `request` lines per serving profile. */
  byProfile: Record<string, number>;
};

export function summarizeLog(text: string): LogSummary {
  const out: LogSummary = { requests: 0, retries: 0, retried: 0, failedAttempts: {}, unserved: 0, byProfile: {} };
  for (const raw of text.split("\n")) {
    const line = parseLine(raw);
    if (!line) continue;
    if (line.message === "request") {
      out.requests++;
      const attempts = Number(line.fields.attempts ?? "1");
      if (Number.isFinite(attempts) && attempts > 1) {
        out.retries += attempts - 1;
        out.retried++;
      }
      const profile = line.fields.profile;
      if (profile) out.byProfile[profile] = (out.byProfile[profile] ?? 0) + 1;
    } else if (line.message === "attempt failed") {
      const kind = line.fields.kind ?? "?";
      out.failedAttempts[kind] = (out.failedAttempts[kind] ?? 0) + 1;
    } else if (line.message === "no account could serve") out.unserved++;
  }
  return out;
}
