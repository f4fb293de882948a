import type { PoolFeed } from "@prodex/core/types";
import { detectTheme } from "../env/theme.ts";
import { AgentSession } from "./agent-session.ts";
import { parsePrefixKey } from "./keys.ts";
import { TerminalHost, type TtyInput, type TtyOutput } from "./terminal-host.ts";
import { WrapApp } from "./wrap-app.ts";

export type WrapOptions = {
  cmd: string[];
  env: Record<string, string>;
  cwd?: string;
  feed: PoolFeed;
  /** "codex" | "claude": shown in the panel. */
  title?: string;
  stdin?: TtyInput;
  stdout?: TtyOutput;
  /** Dashboard prefix key, like tmux's: "C-]" (default), "C-\\", "^a"… */
  prefixKey?: string;
  /** How long to wait for the terminal to answer the startup colour probe (default 150 ms). */
  probeTimeoutMs?: number;
  /** How long a frame may wait for the agent to close a synchronized update (default 150 ms). */
  syncMaxMs?: number;
};

const GRACE_MS = 3000;
const POLITE_MS = 2000;
const FORWARDED: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGINT"];

/**
 * Runs the agent in a pseudo-terminal inside the dashboard and resolves with its exit code
 * (128+n when killed by signal n). Quitting from the dashboard sends the agent Ctrl-C twice, then
 * SIGTERM after 2 s, then SIGKILL after 3 s more. The terminal is restored on every exit path.
 * The feed stays open: it belongs to the caller.
 */
export async function runWrapped(opts: WrapOptions): Promise<number> {
  // Bad input fails before the terminal is touched.
  const prefix = parsePrefixKey(opts.prefixKey);
  if (!opts.cmd.length) throw new Error("runWrapped: no command to run");
  const host = new TerminalHost(opts.stdin ?? process.stdin, opts.stdout ?? process.stdout);
  const theme = detectTheme(opts.env);

  let app: WrapApp | null = null;
  let killTimer: ReturnType<typeof setTimeout> | null = null;
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const stopAgent = (signal: NodeJS.Signals) => {
    app?.agent.kill(signal);
    killTimer ??= setTimeout(() => app?.agent.kill("SIGKILL"), GRACE_MS);
  };
  let politeTimer: ReturnType<typeof setTimeout> | null = null;
  // Quit the way a user would: Ctrl-C twice makes Codex and Claude Code save, print how to resume
  // the session, and exit. If that does not end it, SIGTERM, then SIGKILL.
  const quit = () => {
    if (politeTimer || !app) return;
    const agent = app.agent;
    agent.write(Uint8Array.of(3));
    setTimeout(() => agent.write(Uint8Array.of(3)), 150);
    politeTimer = setTimeout(() => stopAgent("SIGTERM"), POLITE_MS);
  };
  const restore = () => {
    // The agent's normal screen goes back on the user's terminal, as if it had run there:
    // exit messages ("to resume this session, run …") must not vanish with the alternate screen.
    let transcript = "";
    try {
      transcript = app?.agent.transcript() ?? "";
    } catch {
      // A broken emulator must not stop the terminal from being restored.
    }
    app?.stop();
    app?.agent.dispose();
    host.stop();
    if (transcript) host.write(transcript);
  };
  const onSignal = (signal: NodeJS.Signals) => stopAgent(signal);
  const onExit = () => restore();
  process.on("exit", onExit);
  for (const s of FORWARDED) process.on(s, onSignal);

  try {
    const { colors, typed } = await host.probe(opts.probeTimeoutMs ?? 150);
    const early: Uint8Array[] = typed.length ? [typed] : [];
    host.start(
      (bytes) => {
        if (!app) return void early.push(bytes);
        try {
          app.input(bytes);
        } catch (err) {
          fail(err);
        }
      },
      () => app?.resize(),
    );
    app = new WrapApp({
      host,
      feed: opts.feed,
      theme,
      prefix,
      title: opts.title,
      spawn: (cols, rows, onOutput, onHost) => new AgentSession({ cmd: opts.cmd, env: opts.env, cwd: opts.cwd, cols, rows, colors, onOutput, onHost }),
      onQuit: quit,
      syncMaxMs: opts.syncMaxMs,
      onError: (err) => fail(err),
    });
    for (const b of early.splice(0)) app.input(b);
    const code = await Promise.race([app.agent.exited, failed]);
    await app.agent.settle();
    return code;
  } finally {
    if (killTimer) clearTimeout(killTimer);
    if (politeTimer) clearTimeout(politeTimer);
    restore();
    process.off("exit", onExit);
    for (const s of FORWARDED) process.off(s, onSignal);
  }
}
