import { randomBytes } from "node:crypto";
import { appendFileSync, closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "@prodex/core";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * The proxy's runtime log: one line per decision (text, or JSON lines with format "json"),
 * in PRODEX_RUNTIME_LOG_DIR with a `prodex-runtime-latest.path` pointer to the newest file.
 * Lines are buffered and appended off the request path; a full disk loses log lines, never requests.
 */
export class RuntimeLog {
  readonly path: string;
  private buffer: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private broken = false;

  constructor(
    dir: string,
    private readonly format: "text" | "json" = "text",
    pointer = join(dir, "prodex-runtime-latest.path"),
  ) {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    let path = join(dir, `prodex-runtime-${stamp}-${process.pid}.log`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      path = createOwn(dir, stamp);
      writeFileAtomic(pointer, `${path}\n`, 0o600);
    } catch {
      this.broken = true;
    }
    this.path = path;
  }

  line(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (this.broken) return;
    const at = new Date().toISOString();
    if (this.format === "json") {
      this.buffer.push(`${JSON.stringify({ at, level, message, ...fields })}\n`);
    } else {
      const kv = Object.entries(fields)
        .filter(([, v]) => v !== undefined && v !== null)
        // Quoted (and so escaped) when a value could break the line or reach a terminal as a control sequence.
        .map(([k, v]) => `${k}=${typeof v === "string" && /[\s\u0000-\u001f\u007f]/.test(v) ? JSON.stringify(v) : v}`)
        .join(" ");
      this.buffer.push(`${at} ${level.toUpperCase().padEnd(5)} ${message}${kv ? ` ${kv}` : ""}\n`);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), 50);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0 || this.broken) return;
    const text = this.buffer.join("");
    this.buffer = [];
    try {
      appendFileSync(this.path, text);
    } catch {
      // Disk full or gone: drop the lines; serving requests matters more than logging them.
    }
  }
}

/**
 * A log file that is new and ours. The default directory is the shared TMPDIR: O_EXCL never opens
 * a file (or follows a symlink) another user planted at a guessable name; a clash takes a random name.
 */
function createOwn(dir: string, stamp: string): string {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, `prodex-runtime-${stamp}${attempt ? `-r${randomBytes(4).toString("hex")}` : ""}-${process.pid}.log`);
    try {
      closeSync(openSync(path, "wx", 0o600));
      return path;
    } catch (error) {
      const exists = typeof error === "object" && error !== null && "code" in error && error.code === "EEXIST";
      if (!exists || attempt >= 3) throw error;
    }
  }
}
