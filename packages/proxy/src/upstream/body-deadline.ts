import { BodyError } from "./request-body.ts";

/** How long a client may take to send a request body (loopback clients send it at once). */
export const BODY_READ_MS = 60_000;

/**
 * The request with a body that must have arrived within `ms` of the request, however it trickles:
 * the server keeps idle connections open for long streams (idleTimeout 0), so without this a
 * client sending a byte a second holds a connection forever. Past the deadline the body fails
 * with a 408 BodyError, which every route answers as it answers other body errors.
 */
export function withBodyDeadline(req: Request, ms: number): Request {
  if (!req.body || !canCopy(req)) return req;
  const source = req.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setTimeout(() => {
        expired = true;
        const error = new BodyError(`request body not received within ${ms / 1000} s; send it in one go`, 408);
        controller.error(error);
        source.cancel(error).catch(() => {});
      }, ms);
      timer.unref?.();
    },
    async pull(controller) {
      const r = await source.read().catch((error: unknown) => {
        if (!expired) throw error;
        return { done: true as const, value: undefined };
      });
      if (expired) return;
      if (r.done) {
        clearTimeout(timer);
        controller.close();
      } else {
        controller.enqueue(r.value);
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return source.cancel(reason);
    },
  });
  return new Request(req, { body, duplex: "half" } as RequestInit);
}

/** A request whose URL cannot be rebuilt (an empty or bad Host) is left alone: the Host guard refuses it before any body is read. */
function canCopy(req: Request): boolean {
  return URL.canParse(req.url) && new URL(req.url).host !== "";
}
