// The wrapper on a real pseudo-terminal: the driver runs runWrapped on its own stdin/stdout (a PTY
// from Bun.spawn), so raw mode, SIGWINCH and the alternate screen are the real thing.
import { expect, test } from "bun:test";
import { Terminal } from "@xterm/headless";
import { fixtures, hexOf, keysHex, processEnv, readLog, tempLog, waitFor } from "./helpers.ts";

test("real PTY: keys pass through, prefix is ours, resize reaches the agent, terminal is restored", async () => {
  const log = tempLog();
  let cols = 150;
  let rows = 40;
  const viewer = new Terminal({ cols, rows, allowProposedApi: true });
  const proc = Bun.spawn(["bun", `${fixtures}/wrap-driver.ts`], {
    env: processEnv({ FAKE_AGENT_LOG: log, DRIVER_ROTATE_AFTER_MS: "1500", LANG: "C.UTF-8" }),
    terminal: { cols, rows, data: (_t, d) => viewer.write(d.slice()) },
  });
  const term = proc.terminal;
  if (!term) throw new Error("no PTY");
  const screen = async () => {
    await new Promise<void>((r) => viewer.write("", r));
    const b = viewer.buffer.active;
    return Array.from({ length: rows }, (_, y) => b.getLine(b.viewportY + y)?.translateToString(true) ?? "");
  };
  const screenHas = (s: string) =>
    waitFor(`"${s}" on screen`, async () => ((await screen()).some((l) => l.includes(s)) ? true : undefined), 10000);
  try {
    await screenHas("FAKE AGENT READY");
    expect(viewer.buffer.active.type).toBe("alternate");

    const keys = ["hi", "\x03", "\x1b[D", "\x1b[200~a\x1db\x1b[201~"];
    for (const k of keys) {
      term.write(k);
      await Bun.sleep(20);
    }
    await waitFor("keys at the agent", () => keysHex(log) === keys.map(hexOf).join(""));

    // Ctrl-] d: pool view, then Esc back. Nothing of it reaches the agent.
    const before = keysHex(log);
    term.write("\x1dd");
    await screenHas("prodex pool");
    term.write("\x1b");
    await screenHas("FAKE AGENT READY");
    expect(keysHex(log)).toBe(before);

    // The driver's feed emits a rotation after 1.5 s.
    await screenHas("work → personal: 5h limit");

    // SIGWINCH: the real terminal shrinks, the strip replaces the panel, the agent is told.
    cols = 100;
    rows = 30;
    viewer.resize(cols, rows);
    term.resize(cols, rows);
    await waitFor("agent resize", () => readLog(log).includes("resize 100 29"));
    await screenHas("size=100x29");

    term.write("\x04"); // the fake agent exits 7 on Ctrl-D
    expect(await proc.exited).toBe(7);
    await screenHas("DRIVER EXIT 7 raw=false");
    expect(viewer.buffer.active.type).toBe("normal");
  } finally {
    proc.kill();
    viewer.dispose();
  }
}, 30000);

test("real PTY: SIGTERM to the wrapper stops the agent and restores the terminal", async () => {
  const rows = 30;
  const viewer = new Terminal({ cols: 120, rows, allowProposedApi: true });
  const proc = Bun.spawn(["bun", `${fixtures}/wrap-driver.ts`], {
    env: processEnv({ LANG: "C.UTF-8" }),
    terminal: { cols: 120, rows, data: (_t, d) => viewer.write(d.slice()) },
  });
  const text = async () => {
    await new Promise<void>((r) => viewer.write("", r));
    const b = viewer.buffer.active;
    return Array.from({ length: rows }, (_, y) => b.getLine(b.viewportY + y)?.translateToString(true) ?? "").join("\n");
  };
  try {
    await waitFor("agent on screen", async () => (await text()).includes("FAKE AGENT READY"), 10000);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    await waitFor("driver exit line", async () => (await text()).includes("DRIVER EXIT 143 raw=false"));
    expect(viewer.buffer.active.type).toBe("normal");
  } finally {
    proc.kill("SIGKILL");
    viewer.dispose();
  }
}, 30000);
