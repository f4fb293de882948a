import {
  type ProfileView,
  type QuotaResult,
  type QuotaRowInput,
  aboutProfile,
  pausedFrom,
  printable,
  quotaStatus,
  truncate,
} from "@prodex/core";

/** One result as the quota row model's input (the terminal and the pipe build their rows from it). */
export function quotaRowInput(r: QuotaResult, current: string | null): QuotaRowInput {
  return {
    name: r.profile.name,
    current: r.profile.name === current,
    plan: r.snapshot?.plan ?? r.profile.plan,
    needsLogin: r.needsLogin || r.profile.authState === "needs_login",
    windows: r.snapshot?.windows ?? [],
    fetchedAt: r.snapshot?.fetchedAt ?? null,
    backoff: r.backoff ?? null,
    paused: pausedFrom(r.profile),
  };
}

/** Pure: quota results as the dashboard's rows (the terminal `prodex quota` draws them with the pool view's table). */
export function quotaViews(results: QuotaResult[], current: string | null, now: number): ProfileView[] {
  return results.map((r) => {
    const input = quotaRowInput(r, current);
    return {
      ...input,
      email: r.profile.email,
      status: quotaStatus(input.windows, now),
      backoff: input.backoff ? { ...input.backoff, message: null } : null,
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
  const text = printable(
    `${aboutProfile(r.profile.name, r.error ?? "")}${r.snapshot ? " (showing the last good snapshot)" : ""}`,
  );
  return truncate(text, width, ascii ? "..." : "…");
}
