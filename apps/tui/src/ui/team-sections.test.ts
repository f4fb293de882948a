import { describe, expect, test } from "bun:test";
import { ledgerGrandTotal, ledgerTotals } from "@prodex/core";
import type { InstancesAnswer, TeamInstance, UsageSummary } from "@prodex/core/types";
import { makeTheme } from "../env/theme.ts";
import { sampleLedger, sampleSnapshot } from "./fixtures.ts";
import { lineText } from "./lines.ts";
import {
  LATE_BEAT_MS,
  instanceHealth,
  teamFooter,
  teamKeyNames,
  teamSectionLines,
  teamSectionsHeight,
  teamSummary,
} from "./team-sections.ts";

const theme = makeTheme({ color: false });
const NOW = 1_800_000_000_000;
const inst = (over: Partial<TeamInstance> & { id: string }): TeamInstance => ({
  host: "vm",
  url: `http://10.0.0.1:${over.id === "gw-a" ? 8080 : 8081}`,
  version: "0.1.0",
  startedAt: NOW - 60_000,
  heartbeatAt: NOW - 2_000,
  notReady: null,
  ...over,
});

/** The sample ledger as the gateway's per-key usage: the rows' profiles stand in for keys. */
function keysSummary(): UsageSummary {
  const rows = sampleLedger(NOW).map((r) => ({ ...r, caller: `key-${r.profile}` }));
  const period = (p: "1h" | "24h", ms: number) => {
    const inPeriod = rows.filter((r) => r.at >= NOW - ms);
    return { period: p, total: ledgerGrandTotal(inPeriod), by: { key: ledgerTotals(inPeriod, "key") } };
  };
  return { at: NOW, periods: [period("1h", 3_600_000), period("24h", 86_400_000)] };
}

describe("instanceHealth", () => {
  const cases: [string, Partial<TeamInstance>, ReturnType<typeof instanceHealth>][] = [
    ["a fresh heartbeat, ready", {}, { word: "ready", why: null }],
    [
      "not ready says why, in its own words",
      { notReady: "database unreachable since 09:14" },
      { word: "not ready", why: "database unreachable since 09:14" },
    ],
    [
      "a heartbeat older than 10 s is late",
      { heartbeatAt: NOW - LATE_BEAT_MS - 2_000 },
      { word: "late", why: "no heartbeat for 12s" },
    ],
    [
      "not ready wins over late",
      { heartbeatAt: NOW - 20_000, notReady: "stopping" },
      { word: "not ready", why: "stopping" },
    ],
  ];
  for (const [name, over, want] of cases)
    test(name, () => expect(instanceHealth(inst({ id: "gw-a", ...over }), NOW)).toEqual(want));
});

describe("teamKeyNames", () => {
  test("the last day's keys, biggest users first; none before the first read", () => {
    expect(teamKeyNames(keysSummary())).toEqual(["key-work", "key-personal", "key-backup"]);
    expect(teamKeyNames(null)).toEqual([]);
  });
});

describe("teamSectionLines", () => {
  const instances: InstancesAnswer = {
    at: NOW,
    instances: [inst({ id: "gw-a" }), inst({ id: "gw-b", notReady: "database unreachable since 09:14" })],
  };
  const text = (over: Partial<Parameters<typeof teamSectionLines>[0]> = {}) =>
    teamSectionLines({
      instances,
      topKeys: keysSummary(),
      attached: "gw-a",
      selectedKey: 1,
      theme,
      width: 120,
      height: 18,
      ...over,
    }).map(lineText);

  test("instances with health, the attached one marked; then the hour's and the day's top keys", () => {
    const lines = text();
    expect(lines[0]).toStartWith("─ instances · 2 ─");
    expect(lines[1]).toMatch(/^ ▸ gw-a\s+ready\s+beat 2s ago · v0\.1\.0 · http:\/\/10\.0\.0\.1:8080/);
    expect(lines[2]).toMatch(/^ {3}gw-b\s+not ready\s+beat 2s ago .* · database unreachable since 09:14\s*$/);
    expect(lines[3]).toStartWith("─ top keys · last hour ─");
    expect(lines[4]).toMatch(/^ {2}KEY\s+REQ/);
    expect(lines[5]).toMatch(/^ {2}key-work\s+2\b/);
    expect(lines[6]).toMatch(/^ {2}key-personal\s+1\b/);
    const day = lines.findIndex((l) => l.startsWith("─ top keys · last day"));
    expect(day).toBeGreaterThan(6);
    // The selected key (index 1 of the day's order) is marked in the day's table only.
    expect(lines.slice(day).filter((l) => l.startsWith("▸ "))).toEqual([expect.stringMatching(/^▸ key-personal\s/)]);
    expect(lines.length).toBeLessThanOrEqual(18);
    for (const l of lines) expect(Bun.stringWidth(l)).toBeLessThanOrEqual(120);
  });

  test("before the first reads it says so; a small budget is never exceeded", () => {
    const lines = text({ instances: null, topKeys: null });
    expect(lines).toContain(" reading the registry…");
    expect(lines).toContain(" reading the usage ledger…");
    for (const h of [0, 1, 3, 5, 8]) expect(text({ height: h }).length).toBeLessThanOrEqual(h);
  });

  test("more instances than fit: the attached one first, the rest counted with how many ail", () => {
    const many: InstancesAnswer = {
      at: NOW,
      instances: [
        inst({ id: "gw-1" }),
        inst({ id: "gw-2", heartbeatAt: NOW - 12_000 }),
        inst({ id: "gw-3", notReady: "stopping" }),
        inst({ id: "gw-a" }),
        inst({ id: "gw-5" }),
      ],
    };
    const lines = text({ instances: many, height: 12 });
    expect(lines[0]).toStartWith("─ instances · 5 ─");
    expect(lines[1]).toMatch(/^ ▸ gw-a\s+ready/);
    expect(lines[2]).toMatch(/^ {3}gw-1\s+ready/);
    expect(lines[3]).toMatch(/^ {3}\+3 more \(2 not ready or late\)\s*$/);
    expect(lines[4]).toStartWith("─ top keys · last hour");
  });

  test("no instance registered is said, not left blank", () => {
    expect(text({ instances: { at: NOW, instances: [] } })[1]).toBe(" no instance registered");
  });
});

describe("the team headline and footer", () => {
  test("accounts, the pool-wide mode (and what is pinned), the instance read through", () => {
    const snap = sampleSnapshot(NOW);
    expect(lineText(teamSummary({ ...snap, pinned: null, autoRotate: true }, "gw-a", theme))).toBe(
      ` · ${snap.profiles.length} accounts · auto · via gw-a`,
    );
    expect(lineText(teamSummary({ ...snap, pinned: "work" }, "gw-a", theme))).toContain("pinned work · via gw-a");
    expect(lineText(teamSummary({ ...snap, pinned: null, autoRotate: false }, "gw-a", theme))).toContain("paused");
    // The gateway stopped answering: for how long and why, so what is on screen reads as that old.
    const away = { lastAnswer: NOW - 12_000, failure: "Unable to connect" };
    expect(lineText(teamSummary({ ...snap, pinned: null }, "gw-a", theme, away, NOW))).toEndWith(
      "via gw-a · gateway: last read 12s ago (Unable to connect)",
    );
    expect(lineText(teamSummary(snap, "gw-a", theme, { lastAnswer: NOW, failure: null }, NOW))).not.toContain(
      "gateway:",
    );
  });
  test("an admin key's hints name pin, pause and revoke; a viewer's say read-only and why", () => {
    expect(lineText(teamFooter({ role: "admin", name: "lead" }, theme))).toContain(
      "a pause rotation · [ ] key · x revoke",
    );
    const viewer = lineText(teamFooter({ role: "viewer", name: "watch" }, theme));
    expect(viewer).toStartWith(" viewer key watch: read-only (pin, pause and revoke need an admin key)");
    expect(viewer).not.toContain("x revoke");
  });
  test("the sections' share of the screen", () => {
    expect([teamSectionsHeight(50, 3), teamSectionsHeight(24, 3), teamSectionsHeight(12, 3)]).toEqual([18, 11, 0]);
  });
});
