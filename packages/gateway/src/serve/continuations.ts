import { type AffinityKeys, type BindingKindName, blobKey, ownerOf } from "@prodex/proxy";
import type { GatewayStore } from "@prodex/store/pg";
import type { DbHealth } from "./db-health.ts";
import { dbUnavailableLine } from "./db-unavailable.ts";

export type Pair = { kind: BindingKindName; key: string };

/** Pure: every binding a request's keys could match, strongest first (what the proxy's `ownerOf` reads). */
export function continuationPairs(keys: AffinityKeys): Pair[] {
  const pairs: [BindingKindName, string | null][] = [
    ["response_id", keys.previousResponseId],
    ["turn_state", keys.turnState],
    ...[...keys.compactionBlobs.slice(-1), ...keys.encrypted.slice(-3)].map((b): [BindingKindName, string] => [
      "encrypted",
      blobKey(b),
    ]),
    ["session", keys.session],
    ["prompt_cache_key", keys.promptCacheKey],
    ["claude_session", keys.claudeSession],
  ];
  return pairs.filter((p): p is [BindingKindName, string] => p[1] !== null).map(([kind, key]) => ({ kind, key }));
}

/** Pure: the request continues earlier work that only its owner holds (it cannot be served without knowing who). */
export function needsOwner(keys: AffinityKeys): boolean {
  return keys.previousResponseId !== null || keys.turnState !== null || keys.compaction;
}

export type Resolution = { kind: "local" | "fetched" | "new" } | { kind: "unavailable"; message: string };

/**
 * Before a request reaches the proxy: an owner this instance knows is used as is (no database trip); otherwise
 * the shared bindings are asked once and what they hold is made local. With the database down, a continuation
 * nobody here knows gets one clear 503; anything else is served.
 */
export async function resolveContinuation(
  keys: AffinityKeys,
  local: (kind: BindingKindName, key: string) => string | null,
  apply: (kind: string, key: string, account: string, expiresAt: number) => void,
  store: GatewayStore,
  health: DbHealth,
  now: number = Date.now(),
): Promise<Resolution> {
  if (ownerOf(keys, local)) return { kind: "local" };
  const pairs = continuationPairs(keys);
  if (pairs.length === 0) return { kind: "new" };
  if (health.current.ok) {
    try {
      const rows = await store.bindings.find(pairs);
      health.up();
      for (const r of rows) apply(r.kind, r.key, r.account, r.expiresAt);
      return { kind: rows.length > 0 ? "fetched" : "new" };
    } catch (e) {
      health.failed(e);
    }
  }
  if (!needsOwner(keys)) return { kind: "new" };
  return {
    kind: "unavailable",
    message: dbUnavailableLine(
      "this conversation continues on an account only the database knows",
      health.current,
      now,
    ),
  };
}
