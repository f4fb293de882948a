import { Terminal } from "@xterm/headless";
import { Unicode11Addon } from "@xterm/addon-unicode11";
import { serializeBuffer } from "../pane/pane-rows.ts";
import type { TermColors } from "./terminal-host.ts";

export type AgentOptions = {
  cmd: string[];
  env: Record<string, string>;
  cwd?: string;
  cols: number;
  rows: number;
  colors?: TermColors;
  /** After agent output has been parsed into the emulator. */
  onOutput(): void;
  /** Sequences for the real terminal: input modes the agent switched, title, bell, clipboard. */
  onHost(seq: string): void;
};

export class AgentSpawnError extends Error {
  constructor(cmd: string, cause: unknown) {
    super(`could not start ${cmd}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "AgentSpawnError";
  }
}

/** DECSET modes that change what the real terminal sends; mirrored so the agent's keys and mouse work. */
const MIRRORED = new Set([1, 9, 1000, 1002, 1003, 1004, 1005, 1006, 1015, 2004]);

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** The agent in a pseudo-terminal, its screen kept by a headless xterm. */
export class AgentSession {
  readonly term: Terminal;
  readonly proc: Bun.Subprocess;
  readonly exited: Promise<number>;
  /** The PTY reached end of file: all of the agent's output has been read. */
  readonly eof: Promise<void>;
  cursorHidden = false;
  private disposed = false;

  constructor(private opts: AgentOptions) {
    const term = new Terminal({ cols: opts.cols, rows: opts.rows, scrollback: 5000, allowProposedApi: true });
    term.loadAddon(new Unicode11Addon());
    term.unicode.activeVersion = "11";
    this.term = term;
    this.hook();
    const env: Record<string, string> = { ...opts.env, TERM: "xterm-256color" };
    // The agent's terminal is our emulator, not tmux: tmux passthrough wrapping would be swallowed.
    delete env.TMUX;
    delete env.TMUX_PANE;
    const name = opts.cmd[0] ?? "agent";
    let eof: () => void = () => {};
    this.eof = new Promise<void>((r) => (eof = r));
    try {
      this.proc = Bun.spawn(opts.cmd, {
        cwd: opts.cwd,
        env,
        terminal: {
          cols: opts.cols,
          rows: opts.rows,
          name: "xterm-256color",
          data: (_t, data) => {
            if (this.disposed) return;
            // Copy: the emulator may parse later than this callback returns.
            term.write(data.slice(), opts.onOutput);
          },
          exit: () => eof(),
        },
      });
    } catch (err) {
      term.dispose();
      throw new AgentSpawnError(name, err);
    }
    this.exited = this.proc.exited.then((code) => {
      const sig = this.proc.signalCode;
      if (sig) return 128 + (SIGNALS[sig] ?? 15);
      return code ?? 1;
    });
  }

  private hook(): void {
    const { term, opts } = this;
    // Emulator replies (cursor position, device attributes) go back to the agent.
    term.onData((d) => {
      if (d) this.proc?.terminal?.write(d);
    });
    term.onBinary((d) => this.proc?.terminal?.write(Buffer.from(d, "latin1")));
    const decset = (on: boolean) => (params: (number | number[])[]) => {
      const mirror: number[] = [];
      for (const p of params) {
        const n = typeof p === "number" ? p : (p[0] ?? -1);
        if (n === 25) this.cursorHidden = !on;
        if (MIRRORED.has(n)) mirror.push(n);
      }
      if (mirror.length) opts.onHost(`\x1b[?${mirror.join(";")}${on ? "h" : "l"}`);
      return false; // let the emulator apply it too
    };
    term.parser.registerCsiHandler({ prefix: "?", final: "h" }, decset(true));
    term.parser.registerCsiHandler({ prefix: "?", final: "l" }, decset(false));
    term.parser.registerEscHandler({ final: "=" }, () => (opts.onHost("\x1b="), false));
    term.parser.registerEscHandler({ final: ">" }, () => (opts.onHost("\x1b>"), false));
    // Cursor shape (DECSCUSR).
    term.parser.registerCsiHandler({ intermediates: " ", final: "q" }, (params) => {
      opts.onHost(`\x1b[${typeof params[0] === "number" ? params[0] : 0} q`);
      return false;
    });
    // Default colour queries: answer with the real terminal's colours when we know them.
    for (const code of [10, 11]) {
      term.parser.registerOscHandler(code, (data) => {
        const parts = data.split(";");
        let handled = true;
        parts.forEach((part, k) => {
          const which = code + k;
          if (part !== "?") {
            handled = false;
            return;
          }
          const c = which === 10 ? opts.colors?.fg : which === 11 ? opts.colors?.bg : undefined;
          if (c) this.proc?.terminal?.write(`\x1b]${which};${c}${opts.colors?.terminator ?? "\x1b\\"}`);
        });
        return handled;
      });
    }
    // Clipboard writes (OSC 52) belong to the real terminal.
    term.parser.registerOscHandler(52, (data) => (opts.onHost(`\x1b]52;${data}\x07`), true));
    term.onTitleChange((t) => opts.onHost(`\x1b]2;${t.replace(/[\x00-\x1f\x7f]/g, "")}\x07`));
    term.onBell(() => opts.onHost("\x07"));
  }

  /** Keystrokes, byte for byte. */
  write(bytes: Uint8Array): void {
    const t = this.proc.terminal;
    if (!t || t.closed) return;
    t.write(bytes);
    // Tells xterm the next output is an echo of user input: it parses it synchronously.
    this.term.input("", true);
  }

  /** Wait (briefly) for the agent's last output to be read and parsed. */
  async settle(maxMs = 200): Promise<void> {
    await Promise.race([this.eof, Bun.sleep(maxMs)]);
    if (!this.disposed) await new Promise<void>((r) => this.term.write("", r));
  }

  /** What the agent left on its normal screen, to print after the dashboard closes. */
  transcript(): string {
    if (this.disposed) return "";
    return serializeBuffer(this.term.buffer.normal, this.term.cols);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.term.resize(cols, rows);
    const t = this.proc.terminal;
    if (t && !t.closed) t.resize(cols, rows);
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      this.proc.kill(signal);
    } catch {
      // Already gone.
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.kill("SIGKILL");
    try {
      this.proc.terminal?.close();
    } catch {
      // Closing an already-closed PTY is fine.
    }
    this.term.dispose();
  }
}
