import type { BackoffRow, ProfileRow, UsageRow } from "@prodex/store";
import { readAuth } from "../auth/auth-file.ts";
import type { Context } from "../context.ts";
import type { ProfileView } from "../events/pool-view.ts";
import type { Candidate } from "../selection/selection.ts";
import { quotaStatus } from "../quota/windows.ts";

/** The stored state of every profile, read in one go (selection input and dashboard rows). */
export type ProfileState = {
  profile: ProfileRow;
  usage: UsageRow | null;
  backoff: BackoffRow | null;
  /** Has a ChatGPT login on disk and no dead refresh token. */
  usable: boolean;
};

export function loadProfileStates(ctx: Context, now = ctx.now()): ProfileState[] {
  const usage = ctx.store.usage.latestAll();
  const backoffs = ctx.store.backoffs.active(now);
  return ctx.store.profiles.list().map((profile) => ({
    profile,
    usage: usage.get(profile.id) ?? null,
    backoff: backoffs.get(profile.id) ?? null,
    usable: profile.authState === "ok" && readAuth(profile.codexHome).kind === "chatgpt",
  }));
}

export function toCandidate(s: ProfileState): Candidate {
  return {
    name: s.profile.name,
    windows: s.usage?.windows ?? [],
    usable: s.usable,
    backoffUntil: s.backoff?.until ?? null,
    backoffReason: s.backoff?.reason ?? null,
    lastSelectedAt: s.profile.lastSelectedAt,
  };
}

export function toProfileView(s: ProfileState, now: number, current: string | null): ProfileView {
  const windows = s.usage?.windows ?? [];
  return {
    name: s.profile.name,
    email: s.profile.email,
    plan: s.usage?.plan ?? s.profile.plan,
    status: quotaStatus(windows, now),
    needsLogin: !s.usable,
    windows,
    fetchedAt: s.usage?.fetchedAt ?? null,
    backoff: s.backoff ? { reason: s.backoff.reason, until: s.backoff.until, message: s.backoff.message } : null,
    current: s.profile.name === current,
    requests: 0,
    errors: 0,
    latencyMs: null,
  };
}
