import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Terminal } from "@xterm/headless";
import { strayModesIn } from "@prodex/testkit/stray-modes";

export const fixtures = join(import.meta.dir, "fixtures");

/** A stand-in for process.stdin in raw mode: a real stream (Ink reads it), keys sent by the test. */
export class FakeStdin extends PassThrough {
  isTTY = true;
  raw = false;
  rawCalls: boolean[] = [];
  setRawMode(mode: boolean) {
    if (mode === this.raw) return this;
    this.raw = mode;
    this.rawCalls.push(mode);
    return this;
  }
  ref() {
    return this;
  }
  unref() {
    return this;
  }
  send(s: string | Uint8Array) {
    this.write(typeof s === "string" ? Buffer.from(s, "utf8") : Buffer.from(s));
  }
}

/** A stand-in for process.stdout whose bytes are parsed by a second emulator: the "user's screen". */
export class FakeStdout extends EventEmitter {
  isTTY = true;
  columns: number;
  rows: number;
  readonly viewer: Terminal;
  written = "";
  chunks: string[] = [];

  constructor(cols: number, rows: number) {
    super();
    this.columns = cols;
    this.rows = rows;
    // convertEol: a terminal's line discipline turns "\n" into "\r\n" (ONLCR, kept in raw mode).
    this.viewer = new Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  }

  write(s: string, done?: () => void) {
    this.written += s;
    this.chunks.push(s);
    this.viewer.write(s);
    // Ink waits for its last write to be flushed before it reports the app has exited.
    if (typeof done === "function") queueMicrotask(done);
    return true;
  }

  /** Like a terminal window: what was written before is on screen at the old size, then it resizes. */
  resize(cols: number, rows: number) {
    this.viewer.write("", () => {
      this.columns = cols;
      this.rows = rows;
      this.viewer.resize(cols, rows);
      this.emit("resize");
    });
  }

  /** Visible lines, once everything written so far has been parsed. */
  async screen(): Promise<string[]> {
    await new Promise<void>((r) => this.viewer.write("", r));
    const b = this.viewer.buffer.active;
    return Array.from({ length: this.rows }, (_, y) => b.getLine(b.viewportY + y)?.translateToString(true) ?? "");
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

export function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), "prodex-tui-")), "agent.log");
}

export function readLog(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

/** Concatenated hex of every input chunk the fake agent logged. */
export function keysHex(path: string): string {
  return readLog(path)
    .filter((l) => l.startsWith("key "))
    .map((l) => l.slice(4))
    .join("");
}

export const hexOf = (s: string) => Buffer.from(s, "utf8").toString("hex");

export function processEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

/** strayModesIn for a FakeStdout, once its viewer has parsed everything (and agrees on the screen). */
export async function strayModes(out: FakeStdout): Promise<string[]> {
  await new Promise<void>((r) => out.viewer.write("", r));
  const stray = strayModesIn(out.written);
  if (out.viewer.buffer.active.type !== "normal" && !stray.includes("alternate screen")) stray.push("alternate screen");
  return stray;
}
