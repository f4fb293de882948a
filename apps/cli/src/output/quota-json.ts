import { type QuotaResult, accountStatus, effectiveUsed } from "@prodex/core";
import { availabilityJson } from "./availability-json.ts";
import type { QuotaJson } from "./schemas/quota.ts";
import { iso } from "./iso.ts";
import { quotaRowInput } from "./quota-views.ts";

/** `prodex quota --json` (schema prodex.quota/v1, documented in docs/json.md). */
export function quotaJson(results: QuotaResult[], current: string | null, now: number): QuotaJson {
  return {
    schema: "prodex.quota/v1",
    generatedAt: new Date(now).toISOString(),
    profiles: results.map((r) => {
      const input = quotaRowInput(r, current);
      const windows = input.windows;
      const account = accountStatus(input, now);
      return {
        name: r.profile.name,
        email: r.profile.email,
        accountId: r.profile.accountId,
        plan: r.snapshot?.plan ?? r.profile.plan,
        current: r.profile.name === current,
        status: account.quota,
        needsLogin: input.needsLogin,
        availability: availabilityJson(account),
        fetchedAt: iso(r.snapshot?.fetchedAt ?? null),
        ageSeconds: r.snapshot ? Math.max(0, Math.round((now - r.snapshot.fetchedAt) / 1000)) : null,
        stale: r.error !== null,
        error: r.error,
        windows: windows.map((w) => {
          const used = effectiveUsed(w, now);
          return {
            limit: w.limit,
            label: w.label,
            usedPercent: used,
            remainingPercent: Math.max(0, 100 - used),
            windowSeconds: w.windowSeconds,
            resetAt: iso(w.resetAt),
            resetInSeconds: w.resetAt === null ? null : Math.max(0, Math.round((w.resetAt - now) / 1000)),
          };
        }),
      };
    }),
  };
}
