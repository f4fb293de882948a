import { expect, test } from "bun:test";
import type { QuotaResult } from "@prodex/core";
import { failureLine } from "./quota-views.ts";

const result = (error: string, withSnapshot: boolean): QuotaResult => ({
  profile: {
    id: 1,
    name: "p1",
    codexHome: "/h/p1",
    kind: "managed",
    accountId: null,
    email: null,
    plan: null,
    authState: "ok",
    createdAt: 0,
    updatedAt: 0,
    lastSelectedAt: null,
    pausedAt: null,
    pausedBy: null,
  },
  snapshot: withSnapshot ? { profile: "p1", fetchedAt: 0, source: "live", plan: null, windows: [] } : null,
  error,
  needsLogin: false,
  raw: null,
});

test.each([
  [
    "names the profile once when the error does",
    result('profile "p1" needs login', false),
    80,
    false,
    'profile "p1" needs login',
  ],
  [
    "prefixes the name otherwise",
    result("HTTP 502 from the usage endpoint", false),
    80,
    false,
    "p1: HTTP 502 from the usage endpoint",
  ],
  ["says a snapshot is shown", result("timed out", true), 80, false, "p1: timed out (showing the last good snapshot)"],
  [
    "fits the terminal: cut with an ellipsis, never wrapped",
    result("x".repeat(100), false),
    20,
    false,
    `p1: ${"x".repeat(15)}…`,
  ],
  ["ASCII terminals get three dots", result("x".repeat(100), false), 20, true, `p1: ${"x".repeat(13)}...`],
  [
    "upstream text is shown, not sent to the terminal",
    result("bad \u001b[2J\u0007 answer", false),
    80,
    false,
    "p1: bad \\u{1b}[2J\\u{7} answer",
  ],
] as const)("failureLine %s", (_why, r, width, ascii, want) => {
  const line = failureLine(r, width, ascii);
  expect(line).toBe(want);
  expect(Bun.stringWidth(line)).toBeLessThanOrEqual(width);
});
