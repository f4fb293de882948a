// The real terminal: raw mode, the startup colour probe, and putting every mode back on the way out.

export type TtyInput = {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
  on(event: "data", fn: (chunk: Buffer | string) => void): unknown;
  off(event: "data", fn: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
};

export type TtyOutput = {
  columns?: number;
  rows?: number;
  isTTY?: boolean;
  write(s: string): unknown;
  on(event: "resize", fn: () => void): unknown;
  off(event: "resize", fn: () => void): unknown;
};

export type TermColors = { fg?: string; bg?: string; terminator: string };

// The alternate screen and the cursor are Ink's (it enters and leaves them); the title is saved here.
const ENTER = "\x1b[22;0t";
// Every input mode an agent may have switched on (mirrored to us) goes back off.
const MODES_OFF =
  "\x1b[?1l\x1b>\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l\x1b[?1004l\x1b[?9l";
const LEAVE = `\x1b[?2026l\x1b[0m${MODES_OFF}\x1b[0 q\x1b[?25h\x1b[23;0t`;

const toBytes = (c: Buffer | string): Uint8Array => (typeof c === "string" ? Buffer.from(c, "utf8") : c);

// Terminal replies to our colour / device-attribute queries.
const OSC_REPLY = /\x1b\](1[01]);([^\x07\x1b]*)(\x07|\x1b\\)/g;
const DA1_REPLY = /\x1b\[\?[\d;]*c/g;

export class TerminalHost {
  private active = false;
  private raw = false;
  private listener: ((c: Buffer | string) => void) | null = null;
  private resizer: (() => void) | null = null;
  /** Until then, strip late replies to the startup probe from input. */
  private lateRepliesUntil = 0;

  constructor(
    readonly input: TtyInput,
    readonly output: TtyOutput,
  ) {}

  size(): { cols: number; rows: number } {
    return { cols: Math.max(1, this.output.columns ?? 80), rows: Math.max(1, this.output.rows ?? 24) };
  }

  write(s: string): void {
    if (!s) return;
    try {
      this.output.write(s);
    } catch {
      // The terminal went away (hangup): nothing left to draw on, and nothing to restore.
    }
  }

  /** Raw mode; input and resizes are delivered to the callbacks. */
  start(onData: (bytes: Uint8Array) => void, onResize: () => void): void {
    if (this.active) return;
    this.active = true;
    this.rawOn();
    this.listener = (c) => {
      let bytes = toBytes(c);
      if (this.lateRepliesUntil && performance.now() < this.lateRepliesUntil) bytes = stripReplies(bytes);
      if (bytes.length) onData(bytes);
    };
    this.resizer = onResize;
    this.input.on("data", this.listener);
    this.output.on("resize", this.resizer);
    this.write(ENTER);
  }

  /** Put the terminal back as we found it. Safe to call more than once, from any exit path. */
  stop(): void {
    if (this.listener) this.input.off("data", this.listener);
    if (this.resizer) this.output.off("resize", this.resizer);
    this.listener = null;
    this.resizer = null;
    try {
      if (this.active) this.write(LEAVE);
    } finally {
      this.active = false;
      if (this.raw) {
        this.raw = false;
        this.input.setRawMode?.(false);
        this.input.pause();
      }
    }
  }

  private rawOn(): void {
    if (this.raw) return;
    this.raw = true;
    this.input.setRawMode?.(true);
    this.input.resume();
  }

  get started(): boolean {
    return this.active;
  }

  /**
   * Ask the terminal for its default colours, so the agent's own queries (Codex tints its composer
   * from the background) get a true answer from the emulator. Ends at the DA1 reply every terminal
   * sends, or after `timeoutMs`. Keys typed meanwhile are returned, not lost.
   */
  async probe(timeoutMs = 150): Promise<{ colors: TermColors; typed: Uint8Array }> {
    const chunks: Uint8Array[] = [];
    this.rawOn();
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    const onData = (c: Buffer | string) => {
      chunks.push(toBytes(c));
      if (DA1_REPLY.test(Buffer.concat(chunks).toString("latin1"))) done();
      DA1_REPLY.lastIndex = 0;
    };
    this.input.on("data", onData);
    this.write("\x1b]10;?\x1b\\\x1b]11;?\x1b\\\x1b[c");
    const timer = setTimeout(done, timeoutMs);
    await finished;
    clearTimeout(timer);
    this.input.off("data", onData);
    const text = Buffer.concat(chunks).toString("latin1");
    const colors: TermColors = { terminator: "\x1b\\" };
    for (const m of text.matchAll(OSC_REPLY)) {
      if (m[1] === "10") colors.fg = m[2];
      if (m[1] === "11") colors.bg = m[2];
      colors.terminator = m[3] ?? colors.terminator;
    }
    const answered = /\x1b\[\?[\d;]*c/.test(text);
    if (!answered) this.lateRepliesUntil = performance.now() + 3000;
    return { colors, typed: stripReplies(Buffer.from(text, "latin1")) };
  }
}

function stripReplies(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const out = text.replace(OSC_REPLY, "").replace(DA1_REPLY, "");
  return out.length === text.length ? bytes : Buffer.from(out, "latin1");
}
