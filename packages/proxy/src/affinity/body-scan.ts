// Reads the few fields routing needs straight from a Responses request's JSON text, without
// parsing it: Codex resends the whole conversation on every HTTP request, so a full parse per
// request grows with the conversation. Only structural (unescaped) keys match, so text inside
// a message that mentions a key name cannot be mistaken for it.

export type BodyScan = {
  promptCacheKey: string | null;
  previousResponseId: string | null;
  /** `encrypted_content` of reasoning items (readable only by the account that made them). */
  encrypted: string[];
  /** `encrypted_content` of compaction items (the compressed history itself). */
  compaction: string[];
};

export const EMPTY_SCAN: BodyScan = { promptCacheKey: null, previousResponseId: null, encrypted: [], compaction: [] };

/** The string value following `"key":` at `from`, or null. Skips JSON whitespace. */
function stringAfter(text: string, at: number): { value: string; end: number } | null {
  let i = at;
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\t" || text[i] === "\r")) i++;
  if (text[i] !== ":") return null;
  i++;
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\t" || text[i] === "\r")) i++;
  if (text[i] !== '"') return null;
  const start = i + 1;
  let j = start;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return null;
    let slashes = 0;
    for (let k = j - 1; k >= start && text[k] === "\\"; k--) slashes++;
    if (slashes % 2 === 0) break;
    j++;
  }
  return { value: text.slice(start, j), end: j + 1 };
}

/** Every structural occurrence of `"key": "<string>"`, in order. */
function valuesOf(text: string, key: string): { value: string; at: number }[] {
  const needle = `"${key}"`;
  const out: { value: string; at: number }[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) {
    if (at > 0 && text[at - 1] === "\\") continue;
    const v = stringAfter(text, at + needle.length);
    if (v) out.push({ value: v.value, at });
  }
  return out;
}

/** Whether the object around `at` (an encrypted_content key) is a compaction item. */
function inCompaction(text: string, at: number): boolean {
  const open = text.lastIndexOf("{", at);
  const window = text.slice(Math.max(0, open), at);
  return /"type"\s*:\s*"compaction(_summary)?"/.test(window);
}

export function scanBody(text: string): BodyScan {
  const encrypted: string[] = [];
  const compaction: string[] = [];
  for (const { value, at } of valuesOf(text, "encrypted_content"))
    (inCompaction(text, at) ? compaction : encrypted).push(value);
  return {
    promptCacheKey: valuesOf(text, "prompt_cache_key")[0]?.value ?? null,
    previousResponseId: valuesOf(text, "previous_response_id")[0]?.value ?? null,
    encrypted,
    compaction,
  };
}

/** A short, stable key for an encrypted blob (bindings store this, never the blob). */
export function blobKey(value: string): string {
  return `${value.length.toString(36)}.${Bun.hash(value).toString(36)}`;
}
