import { expect, test } from "bun:test";
import type { UsageWindow } from "../quota/types.ts";
import { type AccountStatus, type AccountStatusInput, accountStatus } from "./account-status.ts";

const NOW = 1_800_000_000_000;
const w = (usedPercent: number, resetIn: number): UsageWindow => ({
  label: "5h",
  usedPercent,
  windowSeconds: 18_000,
  resetAt: NOW + resetIn,
  limit: "codex",
});
const p = (over: Partial<AccountStatusInput> = {}): AccountStatusInput => ({
  needsLogin: false,
  windows: [w(10, 3_600_000)],
  ...over,
});

test.each<[string, AccountStatusInput, Pick<AccountStatus, "state" | "label" | "tone" | "note">]>([
  ["room left", p(), { state: "ready", label: "Ready", tone: "green", note: null }],
  ["thin", p({ windows: [w(80, 3_600_000)] }), { state: "ready", label: "Thin", tone: "yellow", note: null }],
  ["critical", p({ windows: [w(95, 3_600_000)] }), { state: "ready", label: "Critical", tone: "red", note: null }],
  ["nothing known", p({ windows: [] }), { state: "ready", label: "Unknown", tone: "gray", note: null }],
  [
    "full window",
    p({ windows: [w(100, 125_000)] }),
    { state: "quota", label: "Exhausted", tone: "red", note: "back in 2m 5s: usage limit reached" },
  ],
  [
    "full window, reset unknown",
    p({ windows: [{ ...w(100, 0), resetAt: null }] }),
    { state: "quota", label: "Exhausted", tone: "red", note: "usage limit reached" },
  ],
  [
    "the upstream's usage limit",
    p({ backoff: { reason: "quota", until: NOW + 60_000 } }),
    { state: "quota", label: "Exhausted", tone: "red", note: "back in 1m: usage limit reached" },
  ],
  [
    "rate limited",
    p({ backoff: { reason: "transient", until: NOW + 30_000 } }),
    {
      state: "resting",
      label: "Resting",
      tone: "yellow",
      note: "back in 30s: resting (rate limited or briefly failing)",
    },
  ],
  [
    "token refresh failed",
    p({ backoff: { reason: "auth", until: NOW + 30_000 } }),
    { state: "resting", label: "Resting", tone: "yellow", note: "back in 30s: resting (token refresh failed)" },
  ],
  [
    "a rest that has ended",
    p({ backoff: { reason: "transient", until: NOW - 1 } }),
    { state: "ready", label: "Ready", tone: "green", note: null },
  ],
  [
    "needs login, whatever else",
    p({ needsLogin: true, backoff: { reason: "quota", until: NOW + 60_000 } }),
    { state: "needs-login", label: "Needs login", tone: "red", note: "needs login" },
  ],
  [
    "paused: since when, then by whom",
    p({ paused: { by: "key ann", at: NOW - 3 * 86_400_000 - 7_200_000 } }),
    { state: "paused", label: "Paused", tone: "yellow", note: "paused 3d 2h ago by key ann" },
  ],
  [
    "paused just now, nobody named",
    p({ paused: { by: null, at: NOW - 1_000 } }),
    { state: "paused", label: "Paused", tone: "yellow", note: "paused just now" },
  ],
  [
    "paused and resting: the pause, since when",
    p({ paused: { by: null, at: NOW - 90_000 }, backoff: { reason: "transient", until: NOW + 30_000 } }),
    { state: "paused", label: "Paused", tone: "yellow", note: "paused 1m 30s ago" },
  ],
])("%s", (_name, input, want) => {
  const s = accountStatus(input, NOW);
  expect({ state: s.state, label: s.label, tone: s.tone, note: s.note }).toEqual(want);
  expect(s.since).toBe(input.paused && s.state === "paused" ? input.paused.at : null);
});
