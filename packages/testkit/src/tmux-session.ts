import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./cli-env.ts";

// A terminal test's terminal: a command under tmux (its own server on a private socket), driven by keys and read
// by screen captures. The last screens are saved as test artifacts (.artifacts/screens/, or PRODEX_TEST_ARTIFACTS).

export type Tmux = {
  capture(): string;
  keys(text: string): void;
  key(name: string): void;
  enter(): void;
  resize(cols: number, rows: number): void;
  flag(name: string): string;
  /** Every byte the pane's terminal received so far. */
  received(): string;
  waitFor(pattern: RegExp, ms: number, not?: RegExp): Promise<string>;
  kill(): void;
};

/**
 * `command` in a tmux session of its own (a private socket under `world.dir`), `cols` × `rows`, with exactly
 * `world.env` (plus a UTF-8 xterm and PRODEX_TUI=1). The pane outlives the command, so its last screen and the
 * terminal state can be read after it quits.
 */
export function tmuxRun(
  world: { dir: string; env: Record<string, string | undefined> },
  command: string,
  size: { cols: number; rows: number } = { cols: 160, rows: 45 },
): Tmux {
  const sock = join(world.dir, "tmux.sock");
  const bytes = join(world.dir, "pane.bytes");
  const env = { ...world.env, PRODEX_TUI: "1", TERM: "xterm-256color", LANG: "C.UTF-8" };
  const tmux = (...args: string[]) => {
    const r = Bun.spawnSync(["tmux", "-S", sock, ...args], { env, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr.toString().trim()}`);
    return r.stdout.toString();
  };
  // The pane outlives prodex (so its terminal state can be read after the quit); it starts on a
  // keypress, once pipe-pane records everything it is sent.
  writeFileSync(bytes, "");
  tmux(
    "new-session",
    "-d",
    "-x",
    String(size.cols),
    "-y",
    String(size.rows),
    "-c",
    world.env.HOME as string,
    `bash -c 'read -r _; ${command}; echo PRODEX EXITED $?; sleep 600'`,
  );
  tmux("pipe-pane", "-o", `cat >> ${bytes}`);
  tmux("send-keys", "Enter");
  const capture = () => tmux("capture-pane", "-p", "-J");
  return {
    capture,
    keys: (text) => void tmux("send-keys", "-l", text),
    key: (name) => void tmux("send-keys", name),
    enter: () => void tmux("send-keys", "Enter"),
    resize: (cols, rows) => void tmux("resize-window", "-x", String(cols), "-y", String(rows)),
    flag: (name) => tmux("display", "-p", `#{${name}}`).trim(),
    received: () => readFileSync(bytes, "latin1"),
    async waitFor(pattern, ms, not) {
      const end = Date.now() + ms;
      for (;;) {
        const screen = capture();
        if (pattern.test(screen) && !not?.test(screen)) return screen;
        if (Date.now() > end)
          throw new Error(
            `the screen never showed ${pattern}${not ? ` without ${not}` : ""} within ${ms} ms; last screen:\n${screen}`,
          );
        await Bun.sleep(200);
      }
    },
    kill: () => {
      Bun.spawnSync(["tmux", "-S", sock, "kill-server"], { env });
    },
  };
}

export function saveScreen(name: string, screen: string): string {
  const dir = process.env.PRODEX_TEST_ARTIFACTS ?? join(REPO, ".artifacts", "screens");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.txt`);
  writeFileSync(path, `${screen}\n`);
  return path;
}

/** Runs `body` on a fresh tmux session; on failure the last screen is in the error; both screens are saved. */
export async function session(t: Tmux, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- last screen\n${t.capture()}`);
  } finally {
    saveScreen(`${name}-end`, t.capture());
    t.kill();
  }
}
