import type { Context as HonoContext } from "hono";
import { type MetricFamily, prometheusText } from "../metrics/prometheus-text.ts";
import { LAUNCH_KEY_HEADER } from "./guards.ts";

/** Prometheus text exposition, version 0.0.4. */
export function metricsResponse(families: MetricFamily[]): Response {
  return new Response(prometheusText(families), {
    headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * `GET /metrics` on a proxy (behind its loopback host guard): the credential comes as `Authorization: Bearer`
 * (what a Prometheus scrape config sends) or `x-prodex-key`, never in the path, so a scrape URL holds no secret.
 * Which credential opens it is the caller's `allowed`: the proxy's own secret, or a broker's admin secret.
 */
export function metricsRoute(
  allowed: (given: string | undefined) => boolean,
  families: () => MetricFamily[],
  needs: string,
): (c: HonoContext) => Response {
  return (c) => {
    const bearer = c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
    if (!allowed(bearer ?? c.req.header(LAUNCH_KEY_HEADER)))
      return Response.json(
        {
          error: {
            type: "authentication_error",
            message: `prodex proxy: /metrics needs ${needs} as Authorization: Bearer <secret> (or ${LAUNCH_KEY_HEADER})`,
          },
        },
        { status: 401 },
      );
    return metricsResponse(families());
  };
}
