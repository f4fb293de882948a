import type { Context } from "../context.ts";
import { NoReadyProfileError, UsageError } from "../errors.ts";
import { type QuotaResult, refreshProfileQuota, refreshQuotas } from "../quota/quota-service.ts";
import { quotaStatus } from "../quota/windows.ts";
import { select } from "../selection/selection.ts";
import { availability } from "./availability.ts";
import { loadProfileStates, toCandidate } from "./pool-state.ts";

export type PreflightResult = { profile: string; reason: string; probed: QuotaResult[] };

function when(ms: number | null): string {
  return ms === null ? "an unknown time" : new Date(ms).toLocaleString();
}

/**
 * Before a launch: check the preferred profile's quota; if it cannot serve, probe the others in
 * parallel and pick with the selection policy. Throws NoReadyProfileError (exit 2) naming the
 * earliest reset when nothing can serve.
 */
export async function preflight(ctx: Context, base: string, preferred: string | null): Promise<PreflightResult> {
  const profiles = ctx.store.profiles.list();
  if (profiles.length === 0)
    throw new UsageError(
      "no profiles yet",
      "add one: prodex login, or prodex profile import-current (or try prodex demo)",
    );
  const first = profiles.find((p) => p.name === preferred) ?? profiles[0];
  if (!first) throw new UsageError("no profiles yet");
  const own = await refreshProfileQuota(ctx, first, base);
  const now = ctx.now();
  const ownStatus = own.snapshot ? quotaStatus(own.snapshot.windows, now) : "unknown";
  const rest = ctx.store.backoffs.get(first.id);
  const ownReady = availability(
    {
      usable: !own.needsLogin,
      windows: own.snapshot?.windows ?? [],
      backoffUntil: rest?.until ?? null,
      backoffReason: rest?.reason ?? null,
    },
    now,
  );
  if (!own.error && ownReady.ok) {
    return { profile: first.name, reason: `${first.name} is ${ownStatus}`, probed: [own] };
  }
  const others = await refreshQuotas(
    ctx,
    profiles.filter((p) => p.id !== first.id),
    base,
  );
  const probed = [own, ...others];
  const selection = select({ candidates: loadProfileStates(ctx).map(toCandidate), current: null, now: ctx.now() });
  if (selection.choice === null) {
    const failures = probed.filter((r) => r.error && !r.snapshot);
    const why =
      failures.length === probed.length ? `no profile could be checked (${failures[0]?.error})` : selection.reason;
    throw new NoReadyProfileError(
      `no profile can serve now: ${why}`,
      selection.earliestReset,
      selection.earliestReset
        ? `the earliest resets at ${when(selection.earliestReset)}`
        : "log in another account: prodex login",
    );
  }
  const reason = own.error
    ? `${first.name} could not be checked (${own.error}); ${selection.reason}`
    : `${first.name} is ${own.needsLogin ? "logged out" : ownStatus}; ${selection.reason}`;
  return { profile: selection.choice, reason, probed };
}
