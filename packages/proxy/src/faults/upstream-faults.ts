import { type Faults, connectRefused, connectionReset } from "@prodex/core";

/**
 * The proxy's upstream HTTP seam of PRODEX_FAULTS (docs/faults.md): `real` as the armed
 * `upstream.*` faults make it behave for a request on `profile`. Only called when faults are set.
 */
export async function faultyFetch(
  faults: Faults,
  profile: string,
  real: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<Response> {
  if (faults.take("upstream.connect_refused", profile)) throw connectRefused(url);
  const resetEarly = faults.take("upstream.reset_before_first_byte", profile);
  const response = await real(url, init);
  if (resetEarly) {
    // The upstream got the request (and may be working on it); its answer never arrives.
    response.body?.cancel().catch(() => {});
    throw connectionReset();
  }
  const reset = faults.take("upstream.reset_after", profile);
  const stall = reset ? null : faults.take("upstream.stall_after", profile);
  if (!response.body || (!reset && !stall)) return response;
  const cut: Cut = reset ? { kind: "reset", after: reset.arg ?? 0 } : { kind: "stall", after: stall?.arg ?? 0 };
  return new Response(cutBody(response.body, cut, init.signal ?? null), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

type Cut = { kind: "reset" | "stall"; after: number };

/** The first `after` bytes of `body`, then a reset (error) or a stall (nothing, until cancelled or aborted). */
export function cutBody(
  body: ReadableStream<Uint8Array>,
  cut: Cut,
  signal: AbortSignal | null,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let left = cut.after;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left <= 0) {
        reader.cancel().catch(() => {});
        if (cut.kind === "reset") return controller.error(connectionReset());
        // Stalled: this pull never settles; the reader's timeout, a cancel or the abort ends it.
        return new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          signal?.addEventListener("abort", () => {
            controller.error(signal.reason ?? connectionReset());
            resolve();
          });
        });
      }
      const r = await reader.read();
      if (r.done) return controller.close();
      const chunk = r.value.byteLength > left ? r.value.subarray(0, left) : r.value;
      left -= chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
