import type { Sample } from "../../harness/sse-client.ts";

/**
 * One POST read to the end of its answer (an SSE stream or one JSON body); throws unless `marker`
 * (what only a whole answer holds: its terminal event, `[DONE]`, a last field) arrived.
 */
export async function timedRequest(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
  marker: string,
): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers, body });
  if (res.status !== 200 || !res.body)
    throw new Error(`HTTP ${res.status}: ${(await res.text().catch(() => "")).slice(0, 160)}`);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let ttfb = -1;
  let tail = "";
  let seen = false;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    if (ttfb < 0) ttfb = performance.now() - t0;
    if (seen) continue;
    tail = (tail + dec.decode(r.value, { stream: true })).slice(-4096);
    seen = tail.includes(marker);
  }
  if (!seen) throw new Error(`answer ended without ${marker}: ${tail.slice(-200)}`);
  return { ttfb, total: performance.now() - t0 };
}
