import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { NotFoundError, UsageError, notOwnFile } from "@prodex/core";

const NOT_OURS_HINT = "remove it, or set PRODEX_RUNTIME_LOG_DIR to a folder of your own";

/**
 * The runtime log named by `prodex-runtime-latest.path`, or a clear error when there is none.
 * Neither the pointer nor the log it names is followed unless it is this user's own regular
 * file: in a shared folder another user could have planted both.
 */
export function latestRuntimeLog(pointer: string): string {
  if (!existsSync(pointer))
    throw new NotFoundError(
      `no runtime log yet (${pointer} does not exist)`,
      "it appears once prodex has run a proxy (prodex run, exec, serve or demo)",
    );
  const pointerWhy = notOwnFile(pointer);
  if (pointerWhy)
    throw new UsageError(`not following the runtime-log pointer ${pointer}: ${pointerWhy}`, NOT_OURS_HINT);
  const path = readFileSync(pointer, "utf8").trim();
  if (!path || !existsSync(path))
    throw new NotFoundError(
      `the runtime log ${path || "(empty pointer)"} named by ${pointer} is gone`,
      "prodex cleanup may have removed it; it reappears on the next run",
    );
  const logWhy = notOwnFile(path);
  if (logWhy) throw new UsageError(`not reading the runtime log ${path} named by ${pointer}: ${logWhy}`, NOT_OURS_HINT);
  return path;
}

/** The last `n` complete lines of a file (n = 0: none) and the offset just after them, for tailing on. */
export function lastLines(path: string, n: number): { lines: string[]; offset: number } {
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n");
  const whole = end < 0 ? "" : text.slice(0, end);
  const offset = end < 0 ? 0 : Buffer.byteLength(text.slice(0, end + 1));
  if (n <= 0 || end < 0) return { lines: [], offset };
  return { lines: whole.split("\n").slice(-n), offset };
}

/** Reads what was appended since `offset`; returns complete lines and the offset after them. */
export function readAppended(path: string, offset: number): { lines: string[]; offset: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { lines: [], offset };
  }
  if (size < offset) offset = 0; // truncated or replaced: start over
  if (size === offset) return { lines: [], offset };
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(size - offset);
    const read = readSync(fd, buf, 0, buf.length, offset);
    const text = buf.subarray(0, read).toString("utf8");
    const end = text.lastIndexOf("\n");
    if (end < 0) return { lines: [], offset };
    return { lines: text.slice(0, end).split("\n"), offset: offset + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    closeSync(fd);
  }
}
