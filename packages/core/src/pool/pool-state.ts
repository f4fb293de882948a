import type { BackoffRow, ProfileRow, UsageRow } from "@prodex/store";
import { readAuth } from "../auth/auth-file.ts";
import type { Context } from "../context.ts";
import type { ProfileView } from "../events/pool-view.ts";
import type { Candidate } from "../selection/selection.ts";
import { quotaStatus } from "../quota/windows.ts";
import { pausedFrom } from "./availability.ts";

/** The stored state of every profile, read in one go (selection input and dashboard rows). */
export type ProfileState = {
  profile: ProfileRow;
  usage: UsageRow | null;
  backoff: BackoffRow | null;
  /** Has a ChatGPT login on disk and no dead refresh token. */
  usable: boolean;
};

/** Whether a profile has a usable ChatGPT login on disk (the proxy passes a cached check). */
export type LoginCheck = (profile: ProfileRow) => boolean;

const readLogin: LoginCheck = (p) => readAuth(p.codexHome).kind === "chatgpt";

export function loadProfileStates(ctx: Context, now = ctx.now(), hasLogin: LoginCheck = readLogin): ProfileState[] {
  const usage = ctx.store.usage.latestAll();
  const backoffs = ctx.store.backoffs.active(now);
  return ctx.store.profiles.list().map((profile) => ({
    profile,
    usage: usage.get(profile.id) ?? null,
    backoff: backoffs.get(profile.id) ?? null,
    usable: profile.authState === "ok" && hasLogin(profile),
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
    paused: pausedFrom(s.profile),
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
    paused: pausedFrom(s.profile),
  };
}
