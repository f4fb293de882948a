import { type InstancesAnswer, type TeamFeed, type TeamLink, UsageError, instancesAnswerSchema } from "@prodex/core";
import { connectFeed, errorMessage } from "./feed-client.ts";
import { checkGatewayKey } from "./gateway-key-check.ts";

/** How often the instances are read again (events and the usage per key come live over the feed). */
const TEAM_POLL_MS = 2_000;

export type TeamFeedOptions = { fetch?: typeof fetch; pollMs?: number };

/**
 * `prodex dashboard --gateway URL`: the pool feed of one gateway instance (its pool view, every instance's events
 * and the usage per key, `/gateway/v1/feed`), the pool-wide pin and pause, the instances, and key revocation. An
 * admin or viewer key only: a user key, a key the gateway does not know, or a gateway that does not answer is one
 * clear error before anything is drawn.
 */
export async function connectTeamFeed(url: string, key: string, options: TeamFeedOptions = {}): Promise<TeamFeed> {
  const base = options.fetch ?? fetch;
  const who = await checkGatewayKey(url, key, base);
  if (who.role === "user")
    throw new UsageError(
      `the key "${who.name}" is a user key: the team dashboard needs an admin or viewer key`,
      "ask the gateway's operator for one: prodex gateway key create NAME --role viewer",
    );
  const keyed = ((input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${key}`);
    return base(input, { ...init, headers });
  }) as typeof fetch;
  const api = `${url}/gateway/v1`;
  const pool = await connectFeed(
    { eventsUrl: `${api}/feed`, stateUrl: `${api}/pool`, controlUrl: `${api}/pool/control` },
    { fetch: keyed },
  ).catch((cause: unknown) => {
    throw new UsageError(`the gateway at ${url} did not give its pool view (${(cause as Error).message})`, undefined, {
      cause,
    });
  });
  let instances: InstancesAnswer | null = null;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  let link: TeamLink = { lastAnswer: Date.now(), failure: null };
  const refresh = async () => {
    try {
      const res = await keyed(`${api}/instances`, { signal: AbortSignal.timeout(10_000) });
      const body = await res.json().catch(() => null);
      const next = instancesAnswerSchema.safeParse(body);
      if (!next.success) throw new Error(errorMessage(body) ?? `HTTP ${res.status}`);
      instances = next.data;
      link = { lastAnswer: Date.now(), failure: null };
    } catch (e) {
      // A gateway briefly away (or this key revoked): what was read stays on screen, marked as old, and the next
      // round reads again.
      link = { ...link, failure: e instanceof Error ? e.message : String(e) };
    }
    changed();
  };
  await refresh();
  const timer = setInterval(() => void refresh(), options.pollMs ?? TEAM_POLL_MS);
  timer.unref?.();
  return {
    ...pool,
    who,
    url,
    instances: () => instances,
    link: () => link,
    async revoke(name) {
      const res = await keyed(`${api}/keys/${encodeURIComponent(name)}`, { method: "DELETE" });
      if (!res.ok) throw new Error(errorMessage(await res.json().catch(() => null)) ?? `HTTP ${res.status}`);
      await refresh();
    },
    onTeam(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearInterval(timer);
      listeners.clear();
      pool.close();
    },
  };
}
