import { randomBytes } from "node:crypto";
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { type Faults, diskFullError, errorMessage, writeFileAtomic } from "@prodex/core";
import { errorCode } from "@prodex/guards";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * The proxy's runtime log: one line per decision (text, or JSON lines with format "json"),
 * in PRODEX_RUNTIME_LOG_DIR with a `prodex-runtime-latest.path` pointer to the newest file.
 * Lines are buffered and appended off the request path; a full disk loses log lines, never requests,
 * and once appends work again the log says how many were lost and starts on a fresh line.
 */
export class RuntimeLog {
  readonly path: string;
  private buffer: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private broken = false;
  /** Lines dropped by failed appends since the last one that worked, and why. */
  private lost = 0;
  private lostWhy = "";
  /** A failed append left a partial line at the end of the file. */
  private cut = false;

  constructor(
    dir: string,
    private readonly format: "text" | "json" = "text",
    pointer = join(dir, "prodex-runtime-latest.path"),
    /** PRODEX_FAULTS (log.disk_full); null: none. */
    private readonly faults: Faults | null = null,
  ) {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    let path = join(dir, `prodex-runtime-${stamp}-${process.pid}.log`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      path = createOwn(dir, stamp);
    } catch {
      this.broken = true;
    }
    this.path = path;
    try {
      // Replaced, never written through: a pointer someone else planted is not followed.
      if (!this.broken) writeFileAtomic(pointer, `${path}\n`, 0o600);
    } catch {
      // The log works without its pointer (`prodex logs --runtime` then names the problem).
    }
  }

  line(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (this.broken) return;
    this.buffer.push(this.render(level, message, fields));
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), 50);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0 || this.broken) return;
    const lines = this.buffer;
    this.buffer = [];
    let text = lines.join("");
    if (this.lost > 0)
      text = this.render("warn", "runtime log lines lost", { lines: this.lost, error: this.lostWhy }) + text;
    if (this.cut) text = `\n${text}`;
    try {
      this.append(text);
      this.lost = 0;
      this.cut = false;
    } catch (error) {
      // Disk full or gone: drop the lines; serving requests matters more than logging them.
      this.lost += lines.length;
      this.lostWhy = errorMessage(error).slice(0, 120);
      this.cut = this.cut || endsMidLine(this.path);
    }
  }

  private append(text: string): void {
    if (this.faults?.take("log.disk_full")) {
      // As a real ENOSPC: part of the text lands, then the write fails.
      appendFileSync(this.path, text.slice(0, Math.floor(text.length / 2)));
      throw diskFullError(this.path);
    }
    appendFileSync(this.path, text);
  }

  private render(level: LogLevel, message: string, fields: LogFields): string {
    const at = new Date().toISOString();
    if (this.format === "json") return `${JSON.stringify({ at, level, message, ...fields })}\n`;
    const kv = Object.entries(fields)
      .filter(([, v]) => v !== undefined && v !== null)
      // Quoted (and so escaped) when a value could break the line or reach a terminal as a control sequence.
      .map(([k, v]) => `${k}=${typeof v === "string" && /[\s\u0000-\u001f\u007f]/.test(v) ? JSON.stringify(v) : v}`)
      .join(" ");
    return `${at} ${level.toUpperCase().padEnd(5)} ${message}${kv ? ` ${kv}` : ""}\n`;
  }
}

/** Whether the file's last byte is not a newline (a write broke off inside a line). */
function endsMidLine(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A log file that is new and ours. The default directory is the shared TMPDIR: O_EXCL never opens
 * a file (or follows a symlink) another user planted at a guessable name; a clash takes a random name.
 */
function createOwn(dir: string, stamp: string): string {
  for (let attempt = 0; ; attempt++) {
    const path = join(
      dir,
      `prodex-runtime-${stamp}${attempt ? `-r${randomBytes(4).toString("hex")}` : ""}-${process.pid}.log`,
    );
    try {
      closeSync(openSync(path, "wx", 0o600));
      return path;
    } catch (error) {
      if (errorCode(error) !== "EEXIST" || attempt >= 3) throw error;
    }
  }
}
