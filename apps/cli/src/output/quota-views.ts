import { type ProfileView, type QuotaResult, quotaStatus } from "@prodex/core";

/** Pure: quota results as the dashboard's rows (the terminal `prodex quota` draws them with the pool view's table). */
export function quotaViews(results: QuotaResult[], current: string | null, now: number): ProfileView[] {
  return results.map((r) => {
    const windows = r.snapshot?.windows ?? [];
    return {
      name: r.profile.name,
      email: r.profile.email,
      plan: r.snapshot?.plan ?? r.profile.plan,
      status: quotaStatus(windows, now),
      needsLogin: r.needsLogin || r.profile.authState === "needs_login",
      windows,
      fetchedAt: r.snapshot?.fetchedAt ?? null,
      backoff: null,
      current: r.profile.name === current,
      requests: 0,
      errors: 0,
      latencyMs: null,
    };
  });
}
