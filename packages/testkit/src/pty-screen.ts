import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO } from "./cli-env.ts";

// Runs a program in a real PTY (Bun.spawn `terminal`) and renders what it draws with
// @xterm/headless (the dashboard's terminal emulator, resolved from apps/tui), so tests can
// assert on the screen a user would see rather than on raw escape sequences.

type Line = { translateToString(trimRight?: boolean): string };
type Xterm = {
  write(data: Uint8Array | string, callback?: () => void): void;
  buffer: { active: { baseY: number; getLine(i: number): Line | undefined } };
  rows: number;
  dispose(): void;
};
type XtermCtor = new (options: { cols: number; rows: number; allowProposedApi?: boolean }) => Xterm;

function hasTerminal(mod: unknown): mod is { Terminal: XtermCtor } {
  return typeof mod === "object" && mod !== null && "Terminal" in mod && typeof mod.Terminal === "function";
}

async function xterm(): Promise<XtermCtor> {
  const path = createRequire(join(REPO, "apps/tui/package.json")).resolve("@xterm/headless");
  const mod: unknown = await import(path);
  const m = hasTerminal(mod) ? mod : typeof mod === "object" && mod !== null && "default" in mod ? mod.default : null;
  if (!hasTerminal(m)) throw new Error(`@xterm/headless at ${path} has no Terminal export`);
  return m.Terminal;
}

export type PtyScreen = {
  /** The visible screen, one trimmed line per row. */
  screen(): Promise<string>;
  /** Resolves with the screen once `pattern` shows on it; rejects with the screen after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<string>;
  type(text: string): void;
  /** Bytes the program wrote so far. */
  bytes(): number;
  exited: Promise<number>;
  kill(): Promise<void>;
};

export async function ptyScreen(
  cmd: string[],
  options: { env: Record<string, string>; cwd: string; cols?: number; rows?: number },
): Promise<PtyScreen> {
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 40;
  const Terminal = await xterm();
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  let written = 0;
  let pending = Promise.resolve();
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: { ...options.env, TERM: "xterm-256color", COLUMNS: String(cols), LINES: String(rows) },
    terminal: {
      cols,
      rows,
      data: (_t, data) => {
        written += data.byteLength;
        const copy = data.slice();
        pending = pending.then(() => new Promise<void>((resolve) => term.write(copy, resolve)));
      },
    },
  });
  const screen = async () => {
    await pending;
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++) lines.push(buf.getLine(buf.baseY + y)?.translateToString(true) ?? "");
    return lines.join("\n").replace(/\n+$/, "");
  };
  return {
    screen,
    async waitFor(pattern, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const s = await screen();
        if (pattern.test(s)) return s;
        if (Date.now() > deadline)
          throw new Error(
            `screen never matched ${pattern} within ${ms} ms (${written} bytes drawn); last screen:\n${s}`,
          );
        await Bun.sleep(200);
      }
    },
    type(text) {
      proc.terminal?.write(text);
    },
    bytes: () => written,
    exited: proc.exited,
    async kill() {
      proc.kill("SIGTERM");
      const done = await Promise.race([proc.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
      if (!done) proc.kill("SIGKILL");
      await proc.exited;
      proc.terminal?.close();
      term.dispose();
    },
  };
}
