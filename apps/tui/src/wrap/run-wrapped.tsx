/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React from "react";
import type { Instance } from "ink";
import type { PoolFeed } from "@prodex/core/types";
import { detectTheme } from "../env/theme.ts";
import { PaneSource } from "../pane/pane-source.ts";
import { enableStyles } from "../ui/components.tsx";
import { renderFullScreen } from "../ui/render-full-screen.tsx";
import { AgentSession } from "./agent-session.ts";
import { InputRouter } from "./input-router.ts";
import { KeyStream } from "./key-stream.ts";
import { parsePrefixKey } from "./keys.ts";
import { computeLayout } from "./layout.ts";
import { TerminalHost, type TtyInput, type TtyOutput } from "./terminal-host.ts";
import { WrapBus } from "./wrap-bus.ts";
import { WrapScreen } from "./wrap-screen.tsx";

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
const ECHO_MS = 50; // output this soon after a keystroke is its echo: drawn at once
const SYNC_MAX_MS = 150;
const FORWARDED: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGINT"];

/**
 * Runs the agent in a pseudo-terminal inside the dashboard (an Ink app) and resolves with its exit
 * code (128+n when killed by signal n). Quitting from the dashboard sends the agent Ctrl-C twice,
 * then SIGTERM after 2 s, then SIGKILL after 3 s more. The terminal is restored on every exit path.
 * The feed stays open: it belongs to the caller.
 */
export async function runWrapped(opts: WrapOptions): Promise<number> {
  // Bad input fails before the terminal is touched.
  const prefix = parsePrefixKey(opts.prefixKey);
  if (!opts.cmd.length) throw new Error("runWrapped: no command to run");
  const stdout = opts.stdout ?? process.stdout;
  const host = new TerminalHost(opts.stdin ?? process.stdin, stdout);
  const theme = detectTheme(opts.env);

  let agent: AgentSession | null = null;
  let pane: PaneSource | null = null;
  let ink: Instance | null = null;
  let killTimer: ReturnType<typeof setTimeout> | null = null;
  let politeTimer: ReturnType<typeof setTimeout> | null = null;
  let holdTimer: ReturnType<typeof setTimeout> | null = null;
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const stopAgent = (signal: NodeJS.Signals) => {
    agent?.kill(signal);
    killTimer ??= setTimeout(() => agent?.kill("SIGKILL"), GRACE_MS);
  };
  // Quit the way a user would: Ctrl-C twice makes Codex and Claude Code save, print how to resume
  // the session, and exit. If that does not end it, SIGTERM, then SIGKILL.
  const quit = () => {
    if (politeTimer || !agent) return;
    const a = agent;
    a.write(Uint8Array.of(3));
    setTimeout(() => a.write(Uint8Array.of(3)), 150);
    politeTimer = setTimeout(() => stopAgent("SIGTERM"), POLITE_MS);
  };
  const restore = () => {
    // The agent's normal screen goes back on the user's terminal, as if it had run there:
    // exit messages ("to resume this session, run …") must not vanish with the alternate screen.
    let transcript = "";
    try {
      transcript = agent?.transcript() ?? "";
    } catch {
      // A broken emulator must not stop the terminal from being restored.
    }
    if (holdTimer) clearTimeout(holdTimer);
    try {
      ink?.unmount();
    } catch {
      // Unmounting a failed tree: the terminal is still put back below.
    }
    ink = null;
    agent?.dispose();
    host.stop();
    if (transcript) host.write(transcript);
  };
  const onSignal = (signal: NodeJS.Signals) => stopAgent(signal);
  const onExit = () => restore();
  process.on("exit", onExit);
  for (const s of FORWARDED) process.on(s, onSignal);

  try {
    const { colors, typed } = await host.probe(opts.probeTimeoutMs ?? 150);
    const router = new InputRouter(prefix);
    const bus = new WrapBus();
    const keys = new KeyStream();
    const early: Uint8Array[] = typed.length ? [typed] : [];
    let lastInput = -Infinity;
    const input = (bytes: Uint8Array) => {
      if (!agent) return void early.push(bytes);
      router.modal = bus.modal;
      const wasArmed = router.armed;
      const routed = router.route(bytes);
      if (routed.agent.length) lastInput = performance.now();
      for (const b of routed.agent) agent.write(b);
      for (const b of routed.dashboard) keys.write(b);
      for (const c of routed.commands) {
        // A full repaint is the renderer's business, not the screen's.
        if (c.type === "redraw") {
          ink?.clear();
          pane?.publish();
        } else bus.send({ type: "command", command: c });
      }
      if (wasArmed !== router.armed) bus.send({ type: "armed", armed: router.armed });
    };
    host.start(
      (bytes) => {
        try {
          input(bytes);
        } catch (err) {
          fail(err);
        }
      },
      () => {},
    );

    let syncSince: number | null = null;
    const syncMaxMs = opts.syncMaxMs ?? SYNC_MAX_MS;
    // Agent output was parsed. While the agent is mid-frame (it opened a synchronized update and
    // has not closed it) the pane waits for the rest, for up to syncMaxMs, rather than show half.
    const output = () => {
      if (!agent || !pane) return;
      if (agent.term.modes.synchronizedOutputMode) {
        const t = performance.now();
        syncSince ??= t;
        const left = syncMaxMs - (t - syncSince);
        if (left > 0) {
          holdTimer ??= setTimeout(() => {
            holdTimer = null;
            if (syncSince !== null) {
              syncSince = -Infinity; // waited long enough: show what there is
              output();
            }
          }, left);
          return;
        }
      } else syncSince = null;
      if (holdTimer) clearTimeout(holdTimer);
      holdTimer = null;
      pane.publish();
      // The echo of a keystroke skips Ink's frame throttle: typing must feel native.
      if (performance.now() - lastInput < ECHO_MS) {
        lastInput = -Infinity;
        void ink?.waitUntilRenderFlush();
      }
    };
    const { cols, rows } = host.size();
    const first = computeLayout(cols, rows, "side", null);
    agent = new AgentSession({
      cmd: opts.cmd,
      env: opts.env,
      cwd: opts.cwd,
      cols: first.pane.cols,
      rows: first.pane.rows,
      colors,
      onOutput: output,
      onHost: (seq) => host.write(seq),
    });
    const a = agent;
    pane = new PaneSource(a.term, () => a.cursorHidden);
    enableStyles();
    const p = pane;
    // The emulator re-wraps at the new size: show that at once, whether or not the agent redraws.
    const onPaneSize = (c: number, r: number) => {
      a.resize(c, r);
      p.publish();
    };
    ink = renderFullScreen(
      (size) => (
        <WrapScreen
          {...size}
          pane={p}
          feed={opts.feed}
          theme={theme}
          prefix={prefix}
          title={opts.title}
          bus={bus}
          onPaneSize={onPaneSize}
          onQuit={quit}
        />
      ),
      { stdout, stdin: keys as unknown as NodeJS.ReadStream, maxFps: 60 },
    );
    ink.waitUntilExit().catch(fail);
    for (const b of early.splice(0)) input(b);
    const code = await Promise.race([a.exited, failed]);
    await a.settle();
    return code;
  } finally {
    if (killTimer) clearTimeout(killTimer);
    if (politeTimer) clearTimeout(politeTimer);
    restore();
    process.off("exit", onExit);
    for (const s of FORWARDED) process.off(s, onSignal);
  }
}
