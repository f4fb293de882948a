/** Account state: usage windows that roll over when they reset, fault queues, counters. */
import { MockError } from "./errors.ts";
import type { Identity } from "./jwt.ts";
import type { MockAccountInit, MockCounters, MockFault, MockWindowInit, MockWindowState } from "./types.ts";

export type Window = { usedPercent: number; windowSeconds: number; resetAtMs: number };

export type Account = Identity & {
  primary: Window;
  secondary: Window | null;
  costPercent: number;
  faults: MockFault[];
  counters: MockCounters;
};

export const PRIMARY_SECONDS = 18000;
export const SECONDARY_SECONDS = 604800;
const PRIMARY_RESET = 3600;
const SECONDARY_RESET = 259200;

/** Round away float noise (12.000000001 → 12). */
const round = (n: number) => Math.round(n * 1000) / 1000;

export function makeWindow(init: MockWindowInit, kind: "primary" | "secondary", now: number): Window {
  const windowSeconds = positive(init.windowSeconds) ?? (kind === "primary" ? PRIMARY_SECONDS : SECONDARY_SECONDS);
  const resetAfter =
    nonNegative(init.resetAfterSeconds) ??
    Math.min(windowSeconds, kind === "primary" ? PRIMARY_RESET : SECONDARY_RESET);
  return { usedPercent: clampPercent(init.usedPercent), windowSeconds, resetAtMs: now + resetAfter * 1000 };
}

/** A window whose reset time has passed starts over at 0%. */
export function rollover(w: Window, now: number): Window {
  if (now < w.resetAtMs) return w;
  const span = w.windowSeconds * 1000;
  const periods = Math.floor((now - w.resetAtMs) / span) + 1;
  return { usedPercent: 0, windowSeconds: w.windowSeconds, resetAtMs: w.resetAtMs + periods * span };
}

export function windowState(w: Window, now: number): MockWindowState {
  return {
    usedPercent: round(w.usedPercent),
    windowSeconds: w.windowSeconds,
    resetAfterSeconds: Math.max(0, Math.ceil((w.resetAtMs - now) / 1000)),
    resetAt: Math.ceil(w.resetAtMs / 1000),
  };
}

function clampPercent(n: number): number {
  if (!Number.isFinite(n)) throw new MockError(`usedPercent must be a finite number, got ${n}`);
  return Math.max(0, n);
}
function positive(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
function nonNegative(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

const emptyCounters = (): MockCounters => ({
  requests: 0,
  completed: 0,
  limited: 0,
  errors: 0,
  unauthorized: 0,
  refreshes: 0,
});

/** "acct-mock-1" → "mock-1": the readable part for default emails and user ids. */
const slug = (id: string) => id.replace(/^acct-/, "") || id;

export class AccountBook {
  private byId = new Map<string, Account>();

  add(init: MockAccountInit, now = Date.now()): Account {
    if (!/^[\w.-]+$/.test(init.id))
      throw new MockError(`account id "${init.id}" must be word characters, dots or dashes (e.g. "acct-1")`);
    if (this.byId.has(init.id)) throw new MockError(`account ${init.id} already exists`);
    const account: Account = {
      accountId: init.id,
      email: init.email ?? `${slug(init.id)}@example.com`,
      plan: init.plan ?? "plus",
      userId: `user-${slug(init.id)}`,
      primary: makeWindow(init.primary ?? { usedPercent: 0 }, "primary", now),
      secondary: init.secondary === null ? null : makeWindow(init.secondary ?? { usedPercent: 0 }, "secondary", now),
      costPercent: Math.max(0, init.costPercent ?? 0),
      faults: [],
      counters: emptyCounters(),
    };
    this.byId.set(init.id, account);
    return account;
  }

  get(id: string): Account | undefined {
    const a = this.byId.get(id);
    if (a) this.refresh(a, Date.now());
    return a;
  }

  /** Like get, but a missing account is a caller mistake. */
  must(id: string): Account {
    const a = this.get(id);
    if (!a) throw new MockError(`unknown account ${id}; known: ${[...this.byId.keys()].join(", ") || "none"}`);
    return a;
  }

  all(): Account[] {
    const now = Date.now();
    return [...this.byId.values()].map((a) => this.refresh(a, now));
  }

  setUsage(id: string, primary: MockWindowInit, secondary?: MockWindowInit | null): void {
    const a = this.must(id);
    const now = Date.now();
    a.primary = makeWindow(primary, "primary", now);
    if (secondary === null) a.secondary = null;
    else if (secondary !== undefined) a.secondary = makeWindow(secondary, "secondary", now);
  }

  exhaust(id: string, resetsInSeconds?: number): void {
    const a = this.must(id);
    a.primary = makeWindow(
      { usedPercent: 100, windowSeconds: a.primary.windowSeconds, resetAfterSeconds: resetsInSeconds ?? 1800 },
      "primary",
      Date.now(),
    );
  }

  /** Usage grows per completed response so pooled accounts run out in turn. */
  charge(a: Account): void {
    if (a.costPercent <= 0) return;
    a.primary = { ...a.primary, usedPercent: Math.min(100, round(a.primary.usedPercent + a.costPercent)) };
    if (a.secondary)
      a.secondary = { ...a.secondary, usedPercent: Math.min(100, round(a.secondary.usedPercent + a.costPercent / 10)) };
  }

  private refresh(a: Account, now: number): Account {
    a.primary = rollover(a.primary, now);
    if (a.secondary) a.secondary = rollover(a.secondary, now);
    return a;
  }
}

/** The window that blocks inference (the one that resets last), or null when the account is usable. */
export function blockingWindow(a: Account): Window | null {
  const full = [a.primary, a.secondary].filter((w): w is Window => w !== null && w.usedPercent >= 100);
  if (full.length === 0) return null;
  return full.reduce((x, y) => (y.resetAtMs > x.resetAtMs ? y : x));
}
