import { type Context, pidAlive } from "@prodex/core";
import type { FeedEndpoints } from "../client/feed-client.ts";
import { brokerHealth } from "./broker-client.ts";
import { brokerPaths, readAdminSecret } from "./broker-paths.ts";
import { brokersFor } from "./registration.ts";

export type BrokerFeed = { url: string; upstream: string; endpoints: FeedEndpoints };

/**
 * The pool-wide feed of a running broker of this PRODEX_HOME (`prodex dashboard`): its admin
 * events, state and control, behind the admin secret only the user can read. The broker for
 * `upstream` first, else any that answers; null when none runs.
 */
export async function findBrokerFeed(
  ctx: Context,
  upstream: string,
  f: typeof fetch = fetch,
): Promise<BrokerFeed | null> {
  const rows = ctx.store.runtimes.list();
  const upstreams = [upstream, ...new Set(rows.filter((r) => r.kind === "broker").map((r) => r.upstream))];
  for (const u of upstreams) {
    const secret = readAdminSecret(brokerPaths(ctx.paths, u));
    if (!secret) continue;
    for (const row of brokersFor(rows, u, pidAlive)) {
      if (!(await brokerHealth({ url: row.url, pid: row.pid, adminSecret: secret }, f))) continue;
      const base = `${row.url}/__admin/${secret}`;
      return {
        url: row.url,
        upstream: row.upstream,
        endpoints: { eventsUrl: `${base}/events`, stateUrl: `${base}/state`, controlUrl: `${base}/control` },
      };
    }
  }
  return null;
}
