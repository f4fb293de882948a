import { type ProfileView, type QuotaResult, aboutProfile, printable, quotaStatus, truncate } from "@prodex/core";

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

/**
 * A profile's failed fetch under the live table: one terminal line (the screen is redrawn every
 * 5 s, so a wrapped line would push the table around), upstream text shown, never interpreted.
 */
export function failureLine(r: QuotaResult, width: number, ascii: boolean): string {
  const text = printable(`${aboutProfile(r.profile.name, r.error ?? "")}${r.snapshot ? " (showing the last good snapshot)" : ""}`);
  return truncate(text, width, ascii ? "..." : "…");
}
