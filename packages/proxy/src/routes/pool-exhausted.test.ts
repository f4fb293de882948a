import { describe, expect, test } from "bun:test";
import type { PoolSnapshot, ProfileView } from "@prodex/core";
import { profileView } from "@prodex/testkit/profile-view";
import { earliestResetSeconds, poolExhausted } from "./pool-exhausted.ts";

const NOW = 1_000_000;
const snap = (profiles: ProfileView[], extra: Partial<PoolSnapshot> = {}): PoolSnapshot => ({
  at: NOW,
  current: "a",
  pinned: null,
  autoRotate: true,
  profiles,
  ...extra,
});
const full = (resetAt: number | null) => ({
  label: "5h" as never,
  usedPercent: 100,
  windowSeconds: 18000,
  resetAt,
  limit: "codex",
});
const quota = (until: number) => ({ reason: "quota", until, message: null });

describe("earliestResetSeconds", () => {
  const cases: { name: string; snapshot: PoolSnapshot; want: number | null }[] = [
    {
      name: "the earliest backoff",
      snapshot: snap([
        profileView("a", { backoff: quota(NOW + 600_000) }),
        profileView("b", { backoff: quota(NOW + 300_000) }),
      ]),
      want: 300,
    },
    {
      name: "an exhausted window's reset",
      snapshot: snap([profileView("a", { windows: [full(NOW + 120_500)] })]),
      want: 121,
    },
    {
      name: "an account back only when both its window and its backoff end",
      snapshot: snap([profileView("a", { windows: [full(NOW + 60_000)], backoff: quota(NOW + 90_000) })]),
      want: 90,
    },
    {
      name: "logged-out accounts never come back by themselves",
      snapshot: snap([profileView("a", { needsLogin: true, backoff: quota(NOW + 5_000) })]),
      want: null,
    },
    {
      name: "--no-auto-rotate: only the current account counts",
      snapshot: snap(
        [profileView("a", { backoff: quota(NOW + 600_000) }), profileView("b", { backoff: quota(NOW + 10_000) })],
        { autoRotate: false },
      ),
      want: 600,
    },
    {
      name: "a rest after a rate limit counts too (availability's until)",
      snapshot: snap([profileView("a", { backoff: { reason: "transient", until: NOW + 30_000, message: null } })]),
      want: 30,
    },
    {
      name: "a status computed earlier does not decide: the windows at the snapshot's time do",
      snapshot: snap([profileView("a", { status: "exhausted", windows: [full(NOW - 1)] })]),
      want: null,
    },
    { name: "nothing known", snapshot: snap([profileView("a")]), want: null },
  ];
  for (const c of cases) test(c.name, () => expect(earliestResetSeconds(c.snapshot, NOW)).toBe(c.want));
});

describe("poolExhausted", () => {
  test("a launch held to one account (a no-auto-rotate lease): that account alone decides", () => {
    const s = snap([profileView("a", { backoff: quota(NOW + 60_000) }), profileView("b")]);
    expect([poolExhausted(s), poolExhausted(s, "a"), poolExhausted(s, "b")]).toEqual([false, true, false]);
    expect(earliestResetSeconds(s, NOW, "a")).toBe(60);
  });

  test("every usable account out of quota or logged out", () => {
    expect(
      poolExhausted(
        snap([profileView("a", { windows: [full(NOW + 60_000)] }), profileView("b", { needsLogin: true })]),
      ),
    ).toBe(true);
    expect(poolExhausted(snap([profileView("a", { windows: [full(NOW + 60_000)] }), profileView("b")]))).toBe(false);
    expect(poolExhausted(snap([]))).toBe(false);
    // A full window whose reset has passed is not exhausted any more, whatever the status said then.
    expect(poolExhausted(snap([profileView("a", { status: "exhausted", windows: [full(NOW - 1)] })]))).toBe(false);
  });
});
