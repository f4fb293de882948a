// <WrapScreen> as Ink draws it (frames as text; ink-testing-library's terminal is 100 columns, the
// wide layout needs more, so renderAt is the same thing at any size): the layouts, the prefix commands, the modes that read
// keys (help, confirm, pool view, scroll) — with the emulator filled directly, no PTY.
import { beforeAll, describe, expect, test } from "bun:test";
import { renderAt } from "../../test/ink-frames.ts";
import { Terminal } from "@xterm/headless";
import { detectTheme, makeTheme } from "../env/theme.ts";
import { createStaticFeed } from "../feed/static-feed.ts";
import { PaneSource } from "../pane/pane-source.ts";
import { enableStyles } from "../ui/components.tsx";
import { sampleEvents, sampleLedger, sampleSnapshot, sampleUsage } from "../ui/fixtures.ts";
import type { WrapCommand } from "./input-router.ts";
import { WrapBus } from "./wrap-bus.ts";
import { WrapScreen } from "./wrap-screen.tsx";

beforeAll(() => enableStyles());

const strip = (s: string | undefined) => Bun.stripANSI(s ?? "");
const tick = () => Bun.sleep(30);

/** Waits (up to 2 s) until `probe` holds: effects and renders land a little after the event. */
async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !probe(); i++) await Bun.sleep(20);
}

async function setup(cols = 160, rows = 40, theme = makeTheme()) {
  const term = new Terminal({ cols: 200, rows: 60, scrollback: 100, allowProposedApi: true });
  let text = "";
  for (let i = 0; i < 80; i++) text += `agent line ${i}\r\n`;
  await new Promise<void>((r) => term.write(`${text}AGENT PROMPT> `, r));
  const now = Date.now();
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const bus = new WrapBus();
  const sizes: string[] = [];
  let quits = 0;
  const source = new PaneSource(term, () => false);
  const el = (c: number, r: number) => (
    <WrapScreen
      cols={c}
      rows={r}
      pane={source}
      feed={feed}
      theme={theme}
      prefix={0x1d}
      title="codex"
      bus={bus}
      onPaneSize={(pc, pr) => {
        sizes.push(`${pc}x${pr}`);
        term.resize(pc, pr);
        source.publish();
      }}
      onQuit={() => quits++}
    />
  );
  const view = renderAt(el(cols, rows), cols, rows);
  const send = async (command: WrapCommand) => {
    bus.send({ type: "command", command });
    await tick();
  };
  const keys = async (s: string) => {
    view.stdin.write(s);
    await tick();
  };
  return {
    view,
    feed,
    bus,
    sizes,
    send,
    keys,
    quits: () => quits,
    screen: () => strip(view.lastFrame()),
    resize: (c: number, r: number) => view.rerender(el(c, r), { cols: c, rows: r }),
  };
}

describe("WrapScreen", () => {
  test("wide: the agent's pane on the left, the panel right of a divider; the pane size reaches the agent", async () => {
    const t = await setup(160, 40);
    await tick();
    const rows = t.screen().split("\n");
    expect(rows).toHaveLength(40);
    const paneCols = 160 - 1 - 45;
    await until(() => t.sizes.at(-1) === `${paneCols}x40`);
    expect(t.sizes.at(-1)).toBe(`${paneCols}x40`);
    expect(rows[0]?.slice(paneCols)).toMatch(/^│ prodex · codex\s+auto$/);
    expect(rows.some((r) => r.startsWith("AGENT PROMPT>"))).toBe(true);
    expect(t.screen()).toContain("backup → work");
  });

  test("narrow: a status strip on the bottom line, the pane full width; and back", async () => {
    const t = await setup(160, 40);
    t.resize(100, 30);
    await tick();
    let rows = t.screen().split("\n");
    await until(() => t.sizes.at(-1) === "100x29");
    expect(t.sizes.at(-1)).toBe("100x29");
    expect(rows).toHaveLength(30);
    expect(rows[29]).toMatch(/^prodex ▸ work ● Ready/);
    t.resize(160, 40);
    await tick();
    rows = t.screen().split("\n");
    await until(() => t.sizes.at(-1) === "114x40");
    expect(t.sizes.at(-1)).toBe("114x40");
    expect(rows[0]).toContain("│ prodex · codex");
  });

  test("prefix armed: the panel's footer lists the keys", async () => {
    const t = await setup();
    t.bus.send({ type: "armed", armed: true });
    await tick();
    expect(t.screen()).toContain("keys: d pool · u usage · s panel · a auto");
  });

  test("help overlay over the pane; any key closes it", async () => {
    const t = await setup();
    await t.send({ type: "help" });
    await until(() => t.screen().includes("prodex keys"));
    expect(t.bus.modal).toBe(true);
    expect(t.screen()).toContain("prodex keys");
    expect(t.screen()).toContain("send Ctrl-] itself to the agent");
    await t.keys("x");
    await until(() => !t.screen().includes("prodex keys"));
    expect(t.screen()).not.toContain("prodex keys");
    expect(t.bus.modal).toBe(false);
  });

  test("quit asks first: n keeps the agent, y quits", async () => {
    const t = await setup();
    await t.send({ type: "quit" });
    await until(() => t.screen().includes("Quit codex?"));
    expect(t.screen()).toContain("Quit codex?  y yes  n no");
    await t.keys("n");
    await until(() => !t.screen().includes("Quit codex?"));
    expect(t.quits()).toBe(0);
    expect(t.screen()).not.toContain("Quit codex?");
    await t.send({ type: "quit" });
    await until(() => t.screen().includes("Quit codex?"));
    await t.keys("y");
    await until(() => t.quits() === 1);
    expect(t.quits()).toBe(1);
  });

  test("pool view: full screen, keys select and pin, q goes back", async () => {
    const t = await setup();
    await t.send({ type: "pool" });
    await until(() => t.screen().includes("prodex pool · 4 profiles"));
    expect(t.screen()).toContain("prodex pool · 4 profiles");
    await t.keys("j");
    await until(() => t.screen().includes("› 2 personal"));
    await t.keys("p");
    await until(() => t.feed.snapshot().pinned === "personal");
    expect(t.feed.snapshot().pinned).toBe("personal");
    await t.keys("jq"); // typed faster than Ink reads: still two keys
    await until(() => t.screen().includes("│ prodex · codex"));
    expect(t.screen()).toContain("│ prodex · codex");
  });

  test("usage view: prefix u opens it live from the feed; 1 2 3 periods, t the pool view, Esc back", async () => {
    const t = await setup();
    const now = Date.now();
    // Hidden, a usage message draws nothing: the agent's screen is not redrawn for it.
    await tick();
    const frames = t.view.frames.length;
    t.feed.setUsage(sampleUsage(now));
    await tick();
    expect(t.view.frames.length).toBe(frames);
    await t.send({ type: "usage" });
    await until(() => t.screen().includes("prodex usage · last hour"));
    expect(t.screen()).toMatch(/prodex usage · last hour · 3 req/);
    expect(t.screen()).toMatch(/\n {2}work\s+2\s/);
    expect(t.screen()).toContain("esc back to codex");
    // A request finishes: the next summary shows in place.
    t.feed.setUsage(sampleUsage(now, [...sampleLedger(now), { ...sampleLedger(now)[0]!, profile: "fresh" }]));
    await until(() => /\n {2}fresh\s+1\s/.test(t.screen()));
    expect(t.screen()).toMatch(/last hour · 4 req/);
    await t.keys("3");
    await until(() => t.screen().includes("prodex usage · last 7 days"));
    expect(t.screen()).toMatch(/\n {2}backup\s+2\s+1\s/);
    await t.keys("t");
    await until(() => t.screen().includes("prodex pool · 4 profiles"));
    await t.keys("t");
    await until(() => t.screen().includes("prodex usage · last 7 days"));
    await t.keys("\x1b");
    await until(() => t.screen().includes("│ prodex · codex"));
    expect(t.screen()).toContain("│ prodex · codex");
  });

  test("side panel → strip → hidden → side; the divider moves", async () => {
    const t = await setup(160, 40);
    await t.send({ type: "cyclePanel" });
    await until(() => t.sizes.at(-1) === "160x39");
    expect(t.sizes.at(-1)).toBe("160x39");
    await t.send({ type: "cyclePanel" });
    await until(() => t.sizes.at(-1) === "160x40");
    expect(t.sizes.at(-1)).toBe("160x40");
    await t.send({ type: "cyclePanel" });
    await until(() => t.sizes.at(-1) === "114x40");
    expect(t.sizes.at(-1)).toBe("114x40");
    await t.send({ type: "panelWidth", delta: 4 });
    await until(() => t.sizes.at(-1) === "110x40");
    expect(t.sizes.at(-1)).toBe("110x40");
  });

  test("scroll back: older output, a badge, q returns to the live screen", async () => {
    const t = await setup(160, 40);
    await until(() => t.sizes.at(-1) === "114x40");
    const live = t.screen().split("\n")[0] ?? "";
    await t.send({ type: "scroll" });
    await until(() => /scroll \d+ up/.test(t.screen()));
    expect(t.screen()).toMatch(/scroll \d+ up · ↑↓ PgUp PgDn · q back/);
    await t.keys("g");
    await until(() => /^agent line 0\b/.test(t.screen().split("\n")[0] ?? ""));
    expect(t.screen().split("\n")[0]).toMatch(/^agent line 0\b/);
    expect(live).not.toMatch(/^agent line 0\b/);
    await t.keys("q");
    await until(() => !t.screen().includes("scroll"));
    expect(t.screen()).not.toContain("scroll");
  });

  test("pin by number and auto-rotate from the prefix, with a notice", async () => {
    const t = await setup();
    await t.send({ type: "pin", index: 1 });
    await until(() => t.screen().includes("pinned personal"));
    expect(t.feed.snapshot().pinned).toBe("personal");
    expect(t.screen()).toContain("pinned personal");
    await t.send({ type: "pin", index: 8 });
    await until(() => t.screen().includes("no profile #9"));
    expect(t.screen()).toContain("no profile #9");
    await t.send({ type: "autoRotate" });
    await until(() => t.feed.snapshot().autoRotate === false);
    expect(t.feed.snapshot().autoRotate).toBe(false);
  });

  test("a pool event shows in the panel as it arrives", async () => {
    const t = await setup();
    t.feed.push({ kind: "rotation", profile: "personal", message: "work → personal: weekly cap" });
    await until(() => t.screen().includes("weekly cap"));
    expect(t.screen()).toContain("work → personal: weekly cap");
  });
});

describe("colour", () => {
  test("NO_COLOR: no colour codes anywhere in the dashboard's own parts, text intact", async () => {
    const t = await setup(160, 40, detectTheme({ NO_COLOR: "1", LANG: "C.UTF-8" }));
    await tick();
    const out = t.view.lastFrame() ?? "";
    expect(out).not.toMatch(/\x1b\[(3[0-7]|9[0-7]|38;)/);
    expect(strip(out)).toContain("○ Exhausted");
  });

  test("readable on a light background: named colours only, never a background or a fixed white/black", async () => {
    const t = await setup();
    await t.send({ type: "pool" });
    for (const out of [t.view.lastFrame() ?? "", ...t.view.frames]) {
      expect(out).not.toMatch(/\x1b\[(4[0-7]|10[0-7]|30|37|97|38;[25];)/);
    }
  });
});
