/** How an account's usage appears on the wire: x-codex-* headers, the 429 body, wham/usage. */
import { blockingWindow, windowState, type Account, type Window } from "./accounts.ts";

/** Headers Codex reads on 200 and 429 answers (examples/codex-ok.headers). */
export function rateLimitHeaders(a: Account, now = Date.now(), primaryOverride?: Window): Record<string, string> {
  const h: Record<string, string> = { "x-codex-plan-type": a.plan, "x-codex-active-limit": "codex" };
  const put = (name: "primary" | "secondary", w: Window) => {
    const s = windowState(w, now);
    h[`x-codex-${name}-used-percent`] = String(s.usedPercent);
    h[`x-codex-${name}-window-minutes`] = String(Math.round(s.windowSeconds / 60));
    h[`x-codex-${name}-reset-at`] = String(s.resetAt);
    h[`x-codex-${name}-reset-after-seconds`] = String(s.resetAfterSeconds);
  };
  put("primary", primaryOverride ?? a.primary);
  if (a.secondary) put("secondary", a.secondary);
  h["x-codex-primary-over-secondary-limit-percent"] = "0";
  h["x-codex-credits-has-credits"] = "false";
  h["x-codex-credits-unlimited"] = "false";
  h["x-codex-credits-balance"] = "0";
  return h;
}

export type UsageLimitError = {
  type: "usage_limit_reached";
  message: string;
  plan_type: string;
  resets_at: number;
  resets_in_seconds: number;
};

/** The `error` object of a usage-limit answer (examples/codex-429.json). */
export function usageLimitError(a: Account, resetsInSeconds?: number, now = Date.now()): UsageLimitError {
  const w = blockingWindow(a);
  const seconds = resetsInSeconds ?? (w ? Math.max(0, Math.ceil((w.resetAtMs - now) / 1000)) : 1800);
  return {
    type: "usage_limit_reached",
    message: "The usage limit has been reached",
    plan_type: a.plan,
    resets_at: Math.ceil(now / 1000) + seconds,
    resets_in_seconds: seconds,
  };
}

/** A full primary window for the headers of a one-off usage-limit fault. */
export function fullWindow(a: Account, resetsInSeconds: number, now = Date.now()): Window {
  return { usedPercent: 100, windowSeconds: a.primary.windowSeconds, resetAtMs: now + resetsInSeconds * 1000 };
}

/** GET wham/usage body (examples/wham-usage.json). */
export function whamUsage(a: Account, now = Date.now()) {
  const reached = blockingWindow(a) !== null;
  const win = (w: Window) => {
    const s = windowState(w, now);
    return {
      used_percent: s.usedPercent,
      limit_window_seconds: s.windowSeconds,
      reset_after_seconds: s.resetAfterSeconds,
      reset_at: s.resetAt,
    };
  };
  return {
    user_id: a.userId,
    account_id: a.accountId,
    email: a.email,
    plan_type: a.plan,
    rate_limit: {
      allowed: !reached,
      limit_reached: reached,
      primary_window: win(a.primary),
      secondary_window: a.secondary ? win(a.secondary) : null,
    },
    credits: {
      has_credits: false,
      unlimited: false,
      balance: "0",
      approx_local_messages: [0, 0],
      approx_cloud_messages: [0, 0],
    },
    additional_rate_limits: null,
  };
}
