// Panel states rendered through Ink, as the CLI's Ink screens will show them.
import { beforeAll, describe, expect, test } from "bun:test";
import { render } from "ink-testing-library";
import type { PoolEvent, PoolSnapshot } from "@prodex/core/types";
import { detectTheme, makeTheme } from "../env/theme.ts";
import { applyFeedMessage, initPoolState } from "../feed/pool-state.ts";
import { enableStyles, QuotaTable, SidePanel, StatusStrip } from "./components.tsx";
import { sampleEvents, sampleProfile, sampleSnapshot } from "./fixtures.ts";

const now = new Date(2025, 5, 1, 12, 0, 0).getTime();
const theme = makeTheme();
const M = 60_000;

beforeAll(() => enableStyles());

const strip = (s: string | undefined) => Bun.stripANSI(s ?? "");
const lines = (s: string | undefined) => strip(s).split("\n");

function onlyProfile(over: Parameters<typeof sampleProfile>[0]): PoolSnapshot {
  const p = sampleProfile({ current: true, ...over }, now);
  return { at: now, current: p.name, pinned: null, autoRotate: true, profiles: [p] };
}

function panel(snap: PoolSnapshot, events: PoolEvent[] = [], t = theme, width = 40, height = 24) {
  return render(
    <SidePanel state={initPoolState(snap, events)} theme={t} width={width} height={height} now={now} title="codex" />,
  );
}

describe("SidePanel states", () => {
  test("ready: serving profile, green bars, reset times", () => {
    const snap = onlyProfile({
      name: "work",
      status: "ready",
      windows: [
        { label: "5h", usedPercent: 42, windowSeconds: 18000, resetAt: now + 2 * 60 * M + 13 * M, limit: "codex" },
      ],
    });
    const { lastFrame } = panel(snap);
    const text = strip(lastFrame());
    expect(text).toContain("prodex · codex");
    expect(text).toContain("serving work");
    expect(text).toMatch(/▸ 1 work\s+● Ready/);
    expect(text).toMatch(/5h █+.*░+\s+42%\s+2h 13m/);
    expect(lastFrame()).toContain("\x1b[32m"); // green
  });

  test("thin: yellow status", () => {
    const snap = onlyProfile({
      name: "side",
      status: "thin",
      windows: [{ label: "5h", usedPercent: 81, windowSeconds: 18000, resetAt: now + 41 * M, limit: "codex" }],
    });
    const { lastFrame } = panel(snap);
    expect(strip(lastFrame())).toMatch(/◐ Thin/);
    expect(strip(lastFrame())).toMatch(/81%\s+41m/);
    expect(lastFrame()).toContain("\x1b[33m"); // yellow
  });

  test("exhausted: red, full bar, backoff countdown", () => {
    const snap = onlyProfile({
      name: "burnt",
      status: "exhausted",
      windows: [{ label: "5h", usedPercent: 100, windowSeconds: 18000, resetAt: now + 3 * M + 12_000, limit: "codex" }],
      backoff: { reason: "usage_limit", until: now + 3 * M + 12_000, message: null },
    });
    const text = strip(panel(snap).lastFrame());
    expect(text).toContain("○ Exhausted");
    expect(text).toMatch(/5h █+ 100%/);
    expect(text).toContain("back in 3m 12s: usage limit reached");
  });

  test("resting after a rate limit: yellow, the rest's reason and countdown", () => {
    const snap = onlyProfile({ name: "busy", backoff: { reason: "transient", until: now + 45_000, message: null } });
    const { lastFrame } = panel(snap);
    const text = strip(lastFrame());
    expect(text).toContain("⊘ Resting");
    expect(text).toContain("back in 45s: resting (rate limited");
    expect(lastFrame()).toContain("\x1b[33m"); // yellow
  });

  test("needs login: says what to run", () => {
    const snap = onlyProfile({ name: "old", status: "unknown", needsLogin: true, windows: [], fetchedAt: null });
    const text = strip(panel(snap).lastFrame());
    expect(text).toContain("✗ Needs login");
    expect(text).toContain("needs login: prodex login old");
  });

  test("rotation: a new event shows at the top of the activity list", () => {
    let state = initPoolState(sampleSnapshot(now), sampleEvents(now));
    const view = render(<SidePanel state={state} theme={theme} width={44} height={30} now={now} title="codex" />);
    expect(strip(view.lastFrame())).not.toContain("work → personal");
    const rot: PoolEvent = {
      id: 99,
      at: now,
      kind: "rotation",
      level: "info",
      profile: "personal",
      message: "work → personal: 5h limit",
      data: { from: "work", to: "personal", reason: "5h limit", kind: "quota", client: "codex" },
    };
    state = applyFeedMessage(state, { type: "event", event: rot });
    view.rerender(<SidePanel state={state} theme={theme} width={44} height={30} now={now} title="codex" />);
    const rows = lines(view.lastFrame());
    const activity = rows.findIndex((l) => l.includes("activity"));
    expect(rows[activity + 1]).toContain("12:00 ⇄ work → personal: 5h limit");
  });

  test("every line has the panel's width and the panel its height", () => {
    const rows = lines(panel(sampleSnapshot(now), sampleEvents(now), theme, 38, 20).lastFrame());
    expect(rows).toHaveLength(20);
    for (const r of rows) expect(Bun.stringWidth(r)).toBeLessThanOrEqual(38);
  });

  test("many profiles in a short panel fold to one line each", () => {
    const text = strip(panel(sampleSnapshot(now), sampleEvents(now), theme, 40, 14).lastFrame());
    expect(text).toMatch(/▸ 1 work\s+● █+/);
    expect(text).toMatch(/3 backup\s+○ █+ 100%/);
  });
});

describe("narrow mode: the status strip", () => {
  test("one line with the serving profile, its quota and the last rotation", () => {
    const state = initPoolState(sampleSnapshot(now), sampleEvents(now));
    const { lastFrame } = render(<StatusStrip state={state} theme={theme} width={100} now={now} title="codex" />);
    const rows = lines(lastFrame());
    expect(rows).toHaveLength(1);
    expect(Bun.stringWidth(rows[0] ?? "")).toBeLessThanOrEqual(100);
    expect(rows[0]).toMatch(/^prodex ▸ work ● Ready 5h 62% 2h 13m · wk 17% auto │ ⇄ backup → work/);
  });
  test("shows a hint instead when asked", () => {
    const state = initPoolState(sampleSnapshot(now));
    const { lastFrame } = render(<StatusStrip state={state} theme={theme} width={60} now={now} hint="keys: d pool" />);
    expect(strip(lastFrame())).toBe("prodex keys: d pool".padEnd(60).trimEnd());
  });
});

describe("NO_COLOR and ASCII fallback", () => {
  const state = initPoolState(sampleSnapshot(now), sampleEvents(now));
  test("NO_COLOR: no colour codes, text intact", () => {
    const t = detectTheme({ NO_COLOR: "1", LANG: "en_US.UTF-8" });
    const { lastFrame } = render(<SidePanel state={state} theme={t} width={44} height={30} now={now} />);
    const out = lastFrame() ?? "";
    expect(out).not.toMatch(/\x1b\[(3|9)\dm/);
    expect(strip(out)).toContain("○ Exhausted");
  });
  test("TERM=dumb: plain ASCII and no colours", () => {
    const t = detectTheme({ TERM: "dumb" });
    const { lastFrame } = render(<SidePanel state={state} theme={t} width={44} height={30} now={now} />);
    const text = strip(lastFrame());
    expect(lastFrame()).not.toMatch(/\x1b\[(3|9)\dm/);
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    expect(text).toContain("<> backup -> work: 5h limit reached");
    expect(text).toContain("x Exhausted");
    expect(text).toMatch(/5h #+\.+/);
  });
  test("QuotaTable in ASCII", () => {
    const { lastFrame } = render(
      <QuotaTable profiles={sampleSnapshot(now).profiles} ascii color={false} now={now} width={90} />,
    );
    const text = strip(lastFrame());
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    expect(text).toContain("~ Thin");
  });
});
