import type { ProfileRow } from "@prodex/store";
import { AuthError, ProdexError, UpstreamError, aboutProfile, errorMessage } from "../errors.ts";
import type { Context } from "../context.ts";
import type { UsageSnapshot } from "./types.ts";
import { fetchUsage } from "./usage-client.ts";
import { quotaStatus, windowsFromUsage } from "./windows.ts";

export type QuotaResult = {
  profile: ProfileRow;
  /** The newest good snapshot: this fetch's, or the last stored one when the fetch failed. */
  snapshot: UsageSnapshot | null;
  /** This fetch's failure, one line (the snapshot then is older, see `fetchedAt`). */
  error: string | null;
  needsLogin: boolean;
  raw: string | null;
  /** The rest the proxy put the account on (stored), still in force when read; availability reads it. */
  backoff?: { reason: string; until: number } | null;
};

function restOf(ctx: Context, profileId: number): QuotaResult["backoff"] {
  const row = ctx.store.backoffs.get(profileId);
  return row && row.until > ctx.now() ? { reason: row.reason, until: row.until } : null;
}

export function snapshotFromRow(
  profile: string,
  row: { fetchedAt: number; source: "live" | "headers"; plan: string | null; windows: UsageSnapshot["windows"] },
): UsageSnapshot {
  return { profile, fetchedAt: row.fetchedAt, source: row.source, plan: row.plan, windows: row.windows };
}

/** Fetches `wham/usage` for one profile (refreshing its token when needed), stores it, emits an event. */
export async function refreshProfileQuota(ctx: Context, profile: ProfileRow, base: string): Promise<QuotaResult> {
  const ref = { name: profile.name, codexHome: profile.codexHome };
  try {
    let auth = await ctx.tokens.current(ref);
    let result: Awaited<ReturnType<typeof fetchUsage>>;
    try {
      result = await fetchUsage({ base, accessToken: auth.accessToken, accountId: auth.accountId, fetch: ctx.fetch });
    } catch (e) {
      if (!(e instanceof UpstreamError) || e.status !== 401) throw e;
      auth = await ctx.tokens.afterUnauthorized(ref, auth.accessToken);
      result = await fetchUsage({ base, accessToken: auth.accessToken, accountId: auth.accountId, fetch: ctx.fetch });
    }
    const fetchedAt = ctx.now();
    const windows = windowsFromUsage(result.usage, fetchedAt);
    const plan = result.usage.plan_type ?? auth.plan ?? profile.plan;
    try {
      ctx.store.transaction(() => {
        ctx.store.usage.insert({ profileId: profile.id, fetchedAt, source: "live", plan, windows, raw: result.raw });
        if (profile.authState !== "ok" || profile.plan !== plan)
          ctx.store.profiles.update(profile.name, { authState: "ok", plan });
      });
    } catch {
      // A busy store loses this snapshot's copy, not the answer: the caller still gets fresh windows.
    }
    const status = quotaStatus(windows, fetchedAt);
    const summary = windows
      .filter((w) => w.limit === "codex")
      .map((w) => `${w.label} ${Math.max(0, 100 - w.usedPercent).toFixed(0)}% left`)
      .join(", ");
    ctx.events.emit({
      kind: "quota.fetched",
      profile: profile.name,
      message: `${profile.name}: ${status}${summary ? ` (${summary})` : ""}`,
      data: { status },
    });
    return {
      profile,
      snapshot: { profile: profile.name, fetchedAt, source: "live", plan, windows },
      error: null,
      needsLogin: false,
      raw: result.raw,
      backoff: restOf(ctx, profile.id),
    };
  } catch (e) {
    const message = e instanceof ProdexError ? e.message : `quota fetch failed: ${errorMessage(e)}`;
    const needsLogin = e instanceof AuthError && e.needsLogin;
    ctx.events.emit({
      kind: "quota.failed",
      level: "warn",
      profile: profile.name,
      message: aboutProfile(profile.name, message),
    });
    const last = ctx.store.usage.latest(profile.id);
    return {
      profile,
      snapshot: last ? snapshotFromRow(profile.name, last) : null,
      error: message,
      needsLogin,
      raw: null,
      backoff: restOf(ctx, profile.id),
    };
  }
}

/** All given profiles in parallel; order of the result follows the input (stable rows). */
export function refreshQuotas(ctx: Context, profiles: ProfileRow[], base: string): Promise<QuotaResult[]> {
  return Promise.all(profiles.map((p) => refreshProfileQuota(ctx, p, base)));
}
