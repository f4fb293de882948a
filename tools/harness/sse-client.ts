// One timed SSE request, the way Codex reads it: POST, then the body to its end.

export type Sample = {
  /** ms from sending the request to the first body byte. */
  ttfb: number;
  /** ms from sending the request to the end of the stream. */
  total: number;
};

const COMPLETED = "response.completed";

/** Resolves with the timings of a complete answer (and its turn state); throws if it was not one (status, or no response.completed). */
export async function timedSse(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
): Promise<Sample & { turnState: string | null }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers, body });
  if (res.status !== 200 || !res.body) {
    const text = await res.text().catch(() => "");
    throw new Error(`HTTP ${res.status}: ${text.slice(0, 160)}`);
  }
  const reader = res.body.getReader();
  let ttfb = -1;
  let completed = false;
  let carry = Buffer.alloc(0);
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    if (ttfb < 0) ttfb = performance.now() - t0;
    if (completed) continue;
    const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    // The marker may straddle two chunks: look at the previous chunk's tail too.
    completed =
      chunk.indexOf(COMPLETED) >= 0 ||
      Buffer.concat([carry, chunk.subarray(0, COMPLETED.length)]).indexOf(COMPLETED) >= 0;
    carry = Buffer.from(chunk.subarray(Math.max(0, chunk.byteLength - COMPLETED.length)));
  }
  const total = performance.now() - t0;
  if (!completed) throw new Error("stream ended without response.completed");
  return { ttfb, total, turnState: res.headers.get("x-codex-turn-state") };
}
