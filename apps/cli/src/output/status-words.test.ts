import { describe, expect, test } from "bun:test";
import {
  type AccountStatus,
  type QuotaResult,
  type UsageWindow,
  accountStatus,
  describeAvailability,
} from "@prodex/core";
import { initPoolState, lineText, makeTheme, panelLines, quotaTableLines } from "@prodex/tui";
import { quotaJson } from "./quota-json.ts";
import { renderQuotaText } from "./quota-text.ts";
import { quotaViews } from "./quota-views.ts";

// One account state, the same words everywhere: the dashboard's panel and pool view (also the
// terminal `prodex quota`), `prodex quota` in a pipe and its --json, and the proxy's error text
// (local-answers.ts writes describeAvailability). Every surface asks core's availability.

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const now = new Date(2026, 2, 3, 12, 0, 0).getTime();
const win = (usedPercent: number, resetAt: number): UsageWindow => ({
  label: "5h",
  usedPercent,
  resetAt,
  windowSeconds: 18_000,
  limit: "codex",
});
const iso = (t: number) => new Date(t).toISOString();

type Case = {
  name: string;
  windows: UsageWindow[];
  backoff?: { reason: string; until: number };
  needsLogin?: boolean;
  /** Taken out of the pool (`prodex profile pause`, the dashboards' pause key). */
  paused?: { by: string | null; at: number };
  /** What every surface says: label, availability's reason, and the time left as the tables write it. */
  want: {
    state: AccountStatus["state"];
    label: string;
    reason: string | null;
    until: number | null;
    left: string | null;
    /** A pause has no end: since when it is paused, and the note saying it (ago, then by whom). */
    since?: { at: number; note: string };
  };
};

const cases: Case[] = [
  {
    name: "ready",
    windows: [win(40, now + 3 * H)],
    want: { state: "ready", label: "Ready", reason: null, until: null, left: null },
  },
  {
    name: "critical",
    windows: [win(95, now + 3 * H)],
    want: { state: "ready", label: "Critical", reason: null, until: null, left: null },
  },
  {
    name: "spent",
    windows: [win(100, now + 2 * H + 5 * M)],
    want: {
      state: "quota",
      label: "Exhausted",
      reason: "usage limit reached",
      until: now + 2 * H + 5 * M,
      left: "2h 5m",
    },
  },
  {
    name: "limited",
    windows: [win(10, now + 3 * H)],
    backoff: { reason: "quota", until: now + 20 * M },
    want: { state: "quota", label: "Exhausted", reason: "usage limit reached", until: now + 20 * M, left: "20m" },
  },
  {
    name: "busy",
    windows: [win(10, now + 3 * H)],
    backoff: { reason: "transient", until: now + 45 * S },
    want: {
      state: "resting",
      label: "Resting",
      reason: "resting (rate limited or briefly failing)",
      until: now + 45 * S,
      left: "45s",
    },
  },
  {
    name: "loaded",
    windows: [win(10, now + 3 * H)],
    backoff: { reason: "overload", until: now + 5 * M },
    want: {
      state: "resting",
      label: "Resting",
      reason: "resting (upstream overloaded)",
      until: now + 5 * M,
      left: "5m",
    },
  },
  {
    name: "old",
    windows: [win(10, now + 3 * H)],
    needsLogin: true,
    want: { state: "needs-login", label: "Needs login", reason: "needs login", until: null, left: null },
  },
  {
    name: "benched",
    windows: [win(10, now + 3 * H)],
    paused: { by: "ann", at: now - 5 * M },
    want: {
      state: "paused",
      label: "Paused",
      reason: "paused by ann",
      until: null,
      left: null,
      since: { at: now - 5 * M, note: "paused 5m ago by ann" },
    },
  },
  {
    // A rest does not hide the operator's decision: it is what the account says until it is resumed.
    name: "benched-busy",
    windows: [win(10, now + 3 * H)],
    backoff: { reason: "transient", until: now + 45 * S },
    paused: { by: null, at: now - 2 * H - 5 * M - 3 * S },
    want: {
      state: "paused",
      label: "Paused",
      reason: "paused",
      until: null,
      left: null,
      since: { at: now - 2 * H - 5 * M - 3 * S, note: "paused 2h 5m ago" },
    },
  },
  {
    name: "benched-now",
    windows: [win(10, now + 3 * H)],
    paused: { by: "key lead", at: now - 500 },
    want: {
      state: "paused",
      label: "Paused",
      reason: "paused by key lead",
      until: null,
      left: null,
      since: { at: now - 500, note: "paused just now by key lead" },
    },
  },
  {
    // Spent, it could not serve even if resumed: the usage limit is what it says (and its owner cannot use it).
    name: "benched-spent",
    windows: [win(100, now + 2 * H)],
    paused: { by: "ann", at: now - 5 * M },
    want: { state: "quota", label: "Exhausted", reason: "usage limit reached", until: now + 2 * H, left: "2h" },
  },
];

function result(c: Case): QuotaResult {
  return {
    profile: {
      id: 1,
      name: c.name,
      codexHome: `/h/${c.name}`,
      kind: "managed",
      accountId: null,
      email: null,
      plan: "plus",
      authState: "ok",
      createdAt: 0,
      updatedAt: 0,
      lastSelectedAt: null,
      pausedAt: c.paused?.at ?? null,
      pausedBy: c.paused?.by ?? null,
    },
    snapshot: { profile: c.name, fetchedAt: now - M, source: "live", plan: "plus", windows: c.windows },
    error: null,
    needsLogin: c.needsLogin ?? false,
    raw: null,
    backoff: c.backoff ?? null,
  };
}

/** "back in 2h 5m: usage limit reached": the time left, then availability's reason; a pause's since-when. */
const note = (w: Case["want"]) => (w.left === null ? (w.since?.note ?? null) : `back in ${w.left}: ${w.reason}`);

describe("one account state reads the same on every surface", () => {
  const theme = makeTheme({ color: false });
  for (const c of cases) {
    const r = result(c);
    const [view] = quotaViews([r], c.name, now);
    if (!view) throw new Error("no view");

    test(`${c.name}: core's status`, () => {
      const s = accountStatus(view, now);
      expect({ state: s.state, label: s.label, reason: s.reason, until: s.until, since: s.since }).toEqual({
        state: c.want.state,
        label: c.want.label,
        reason: c.want.reason,
        until: c.want.until,
        since: c.want.since?.at ?? null,
      });
    });

    test(`${c.name}: the dashboard's panel`, () => {
      const snap = { at: now, current: c.name, pinned: null, autoRotate: true, profiles: [view] };
      const text = panelLines({ state: initPoolState(snap), theme, width: 70, height: 30, now })
        .map(lineText)
        .join("\n");
      expect(text).toContain(` ${c.want.label}`);
      const n = note(c.want);
      if (n && c.want.state !== "needs-login") expect(text).toContain(n);
      if (c.want.state === "ready") expect(text).not.toContain("back in");
    });

    test(`${c.name}: the pool view (and the terminal prodex quota)`, () => {
      const text = quotaTableLines({ profiles: [view], detail: true, width: 220, now, theme })
        .map(lineText)
        .join("\n");
      expect(text).toContain(` ${c.want.label}`);
      const n = note(c.want);
      if (n && c.want.state !== "needs-login") expect(text).toContain(n);
    });

    test(`${c.name}: prodex quota in a pipe`, () => {
      const text = renderQuotaText([r], { now, current: c.name, detail: false, color: false });
      expect(text).toContain(` ${c.want.label} `);
      const n = note(c.want);
      if (n && c.want.state !== "needs-login") expect(text).toContain(n);
      else expect(text).not.toContain("back in");
      if (c.want.since === undefined) expect(text).not.toContain(" ago");
    });

    test(`${c.name}: prodex quota --json`, () => {
      const [p] = quotaJson([r], c.name, now).profiles;
      expect(p?.availability).toEqual({
        state: c.want.state,
        label: c.want.label,
        reason: c.want.reason,
        until: c.want.until === null ? null : iso(c.want.until),
        since: c.want.since ? iso(c.want.since.at) : null,
      });
      expect(p?.needsLogin).toBe(c.want.state === "needs-login");
    });

    test(`${c.name}: the proxy's error text`, () => {
      const said = describeAvailability(accountStatus(view, now).availability, iso);
      if (c.want.reason === null) expect(said).toBe("ready");
      else expect(said).toBe(c.want.until === null ? c.want.reason : `${c.want.reason} until ${iso(c.want.until)}`);
    });
  }
});
