// runWrapped end to end in-process: a real PTY running the fake agent, fake stdin/stdout around it.
import { describe, expect, test } from "bun:test";
import type { ProfileView } from "@prodex/core/types";
import { createStaticFeed } from "../src/feed/static-feed.ts";
import { runWrapped } from "../src/index.ts";
import { sampleEvents, sampleSnapshot } from "../src/ui/fixtures.ts";
import {
  FakeStdin,
  FakeStdout,
  strayModes,
  fixtures,
  hexOf,
  keysHex,
  processEnv,
  readLog,
  tempLog,
  waitFor,
} from "./helpers.ts";

const agent = ["bun", `${fixtures}/fake-agent.ts`];

function start(cols: number, rows: number, extra: Partial<Parameters<typeof runWrapped>[0]> = {}) {
  const log = tempLog();
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(cols, rows);
  const now = Date.now();
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const done = runWrapped({
    cmd: agent,
    env: processEnv({ FAKE_AGENT_LOG: log, LANG: "C.UTF-8" }),
    feed,
    title: "fake",
    stdin,
    stdout,
    probeTimeoutMs: 20,
    ...extra,
  });
  const screenHas = (s: string) =>
    waitFor(`screen to show "${s}"`, async () =>
      (await stdout.screen()).some((l) => l.includes(s)) ? true : undefined,
    );
  const logHas = (line: string) => waitFor(`agent log "${line}"`, () => readLog(log).includes(line));
  return { log, stdin, stdout, feed, done, screenHas, logHas };
}

describe("runWrapped", () => {
  test("keys round-trip untouched, the prefix is intercepted, resizes reach the agent, events show", async () => {
    const t = start(160, 45);
    await t.screenHas("FAKE AGENT READY size=");
    const screen = await t.stdout.screen();
    // The agent pane is on the left, the panel on the right, split by the divider.
    const row = screen.find((l) => l.includes("FAKE AGENT READY"));
    const paneCols = Number(/size=(\d+)x(\d+)/.exec(row ?? "")?.[1]);
    expect(paneCols).toBeGreaterThanOrEqual(80);
    expect(paneCols).toBeLessThan(160);
    expect(screen[0]?.slice(paneCols + 1)).toContain("prodex");
    expect(screen.some((l) => l.slice(paneCols + 1).includes("backup → work"))).toBe(true);
    expect(screen.join("\n")).toContain("BOTTOM-RIGHT");
    // The agent asked for bracketed paste and app cursor keys: mirrored to the real terminal.
    expect(t.stdout.written).toContain("\x1b[?2004h");
    expect(t.stdout.written).toContain("\x1b[?1h");

    // Letters, Ctrl-C, arrows (both encodings), UTF-8 and a bracketed paste containing the prefix byte.
    const keys = ["abc", "\x03", "\x1b[A", "\x1bOB", "é✓", "\x1b[200~pasted\x1dtext\r\nline2\x1b[201~", "\r"];
    for (const k of keys) {
      t.stdin.send(k);
      await Bun.sleep(15);
    }
    const want = keys.map(hexOf).join("");
    await waitFor("all keys at the agent", () => keysHex(t.log) === want);
    // The agent's screen follows: it counts the chunks it read (Enter may arrive joined to the paste).
    const chunks = readLog(t.log).filter((l) => l.startsWith("key ")).length;
    await t.screenHas(`count: ${chunks}`);

    // Prefix + d opens the pool view; nothing reaches the agent.
    const before = keysHex(t.log);
    t.stdin.send("\x1d");
    await Bun.sleep(15);
    t.stdin.send("d");
    await t.screenHas("prodex pool");
    t.stdin.send("j");
    t.stdin.send("q");
    await t.screenHas("FAKE AGENT READY");
    expect(keysHex(t.log)).toBe(before);
    // Pressed twice, the prefix goes through.
    t.stdin.send("\x1d\x1d");
    await waitFor("literal prefix at the agent", () => keysHex(t.log) === `${before}1d`);

    // A pool event shows up in the panel.
    t.feed.push({
      kind: "rotation",
      profile: "personal",
      message: "work → personal: weekly cap",
      data: { from: "work", to: "personal" },
    });
    await t.screenHas("work → personal: weekly cap");

    // Narrow: the panel becomes the status strip and the agent gets the new size.
    t.stdout.resize(100, 30);
    await t.logHas("resize 100 29");
    await t.screenHas("size=100x29");
    const narrow = await t.stdout.screen();
    expect(narrow[29]).toContain("prodex");
    expect(narrow[29]).toContain("work → personal");
    expect(narrow[28]).toContain("+----");

    // Wide again: side panel back.
    t.stdout.resize(150, 40);
    await t.logHas(`resize ${150 - 1 - panelWidthFor(150)} 40`);

    // Quit through the prefix menu, with confirmation.
    t.stdin.send("\x1dq");
    await t.screenHas("Quit fake?");
    t.stdin.send("y");
    // Quitting sends Ctrl-C twice: the agent exits on its own and its goodbye stays on screen.
    expect(await t.done).toBe(0);
    expect(keysHex(t.log).endsWith("0303")).toBe(true);
    expect(t.stdout.written).toContain("\x1b[?2004l");
    expect(t.stdin.raw).toBe(false);
    const after = await t.stdout.screen();
    expect(t.stdout.viewer.buffer.active.type).toBe("normal");
    expect(after.some((l) => l.startsWith("bye: resume with fake-agent resume 42"))).toBe(true);
  }, 90_000);

  test("resolves with the agent's own exit code and restores the terminal", async () => {
    const t = start(120, 30);
    await t.screenHas("FAKE AGENT READY");
    t.stdin.send("\x04");
    expect(await t.done).toBe(7);
    expect(t.stdin.rawCalls).toEqual([true, false]);
    expect(await strayModes(t.stdout)).toEqual([]);
  }, 60_000);

  test("what the agent leaves on its normal screen is printed after the dashboard closes", async () => {
    const t = start(120, 30, { cmd: ["bash", "-c", "printf '\\e[32mresume with: agent resume 42\\e[0m\\n'; exit 3"] });
    expect(await t.done).toBe(3);
    const leave = t.stdout.written.lastIndexOf("\x1b[?1049l");
    const after = t.stdout.written.slice(leave);
    expect(after).toContain("\x1b[0;32mresume with: agent resume 42");
    const screen = await t.stdout.screen();
    expect(t.stdout.viewer.buffer.active.type).toBe("normal");
    expect(screen.some((l) => l.startsWith("resume with: agent resume 42"))).toBe(true);
  }, 60_000);

  test("an agent's synchronized update is drawn whole, never half", async () => {
    // First key: open an update and draw half a frame. Second key: finish it.
    const script = `const fs = require("node:fs");
      process.stdin.setRawMode(true);
      process.stdout.write("READY");
      let n = 0;
      process.stdin.on("data", () => {
        if (++n === 1) { process.stdout.write("\\x1b[?2026hPART-ONE "); fs.appendFileSync(process.env.FAKE_AGENT_LOG, "opened\\n"); }
        else { process.stdout.write("PART-TWO\\x1b[?2026l"); setTimeout(() => process.exit(0), 200); }
      });`;
    const t = start(120, 30, { cmd: ["bun", "-e", script], syncMaxMs: 10_000 });
    await t.screenHas("READY");
    t.stdin.send("a");
    await t.logHas("opened");
    await Bun.sleep(150); // many frames' worth of time in which half a frame must not be shown
    t.stdin.send("b");
    expect(await t.done).toBe(0);
    const first = t.stdout.chunks.find((c) => c.includes("PART-ONE"));
    expect(first).toBeDefined();
    expect(first).toContain("PART-TWO");
  }, 60_000);

  test("a command that cannot start rejects with a clear error and leaves the terminal as it was", async () => {
    const t = start(120, 30, { cmd: ["prodex-no-such-agent-xyz"] });
    await expect(t.done).rejects.toThrow(
      'could not start prodex-no-such-agent-xyz: Executable not found in $PATH: "prodex-no-such-agent-xyz"',
    );
    expect(t.stdin.raw).toBe(false);
    expect(await strayModes(t.stdout)).toEqual([]);
  });

  test("an exception inside the dashboard rejects, stops the agent and restores the terminal", async () => {
    const t = start(120, 30);
    await t.screenHas("FAKE AGENT READY");
    t.feed.update((s) => ({
      ...s,
      get profiles(): ProfileView[] {
        throw new Error("boom: malformed snapshot");
      },
    }));
    await expect(t.done).rejects.toThrow("boom: malformed snapshot");
    expect(t.stdin.raw).toBe(false);
    expect(await strayModes(t.stdout)).toEqual([]);
  }, 60_000);

  test("a bad prefix key fails before touching the terminal", async () => {
    const t = start(120, 30, { prefixKey: "C-1" });
    await expect(t.done).rejects.toThrow('prefix key "C-1" is not a control key');
    expect(t.stdout.written).toBe("");
    expect(t.stdin.rawCalls).toEqual([]);
  });
});

function panelWidthFor(cols: number): number {
  return Math.max(32, Math.min(48, Math.round(cols * 0.28)));
}
