// The answer text a load run asks the mock for: delta i is the token "<i>" padded to the
// delta size, so any client can tell from the text alone whether deltas came in order and whole.

/** Delta number `i` of a reply streamed in `size`-character deltas. */
export function token(i: number, size: number): string {
  const head = `<${i}>`;
  return head + "-".repeat(Math.max(0, size - head.length));
}

/** The smallest delta size that fits every token of a `chunks`-delta answer. */
export const minChunkSize = (chunks: number): number => String(Math.max(0, chunks - 1)).length + 2;

/** The mock's `reply` for `chunks` deltas of `size` characters (the mock cuts it exactly there). */
export function indexedReply(chunks: number, size: number): string {
  if (size < minChunkSize(chunks))
    throw new Error(`a delta of ${size} characters cannot hold the token of delta ${chunks - 1}`);
  return Array.from({ length: chunks }, (_, i) => token(i, size)).join("");
}

export type TextCheck = {
  /** Tokens found, in the order they arrived. */
  tokens: number;
  /** Tokens that do not follow the one before (the first must be 0). */
  violations: number;
  /** Every token, in order, and the exact expected text. */
  whole: boolean;
};

const TOKEN = /<(\d+)>/g;

/** Checks streamed text (a prefix, when the client left early) against the indexed reply. */
export function checkText(text: string, chunks: number, size: number): TextCheck {
  let tokens = 0;
  let violations = 0;
  let previous = -1;
  for (const m of text.matchAll(TOKEN)) {
    const n = Number(m[1]);
    if (n !== previous + 1) violations++;
    previous = n;
    tokens++;
  }
  return { tokens, violations, whole: violations === 0 && tokens === chunks && text === indexedReply(chunks, size) };
}
