import { afterEach, describe, expect, setSystemTime, test } from "bun:test";
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Faults, parseFaults } from "@prodex/core";
import { RuntimeLog } from "./runtime-log.ts";

let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

describe("RuntimeLog in a shared directory", () => {
  test("never writes through a file or symlink planted at the name it would pick", () => {
    dir = mkdtempSync(join(tmpdir(), "prodex-log-"));
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "untouched\n");
    // Another user guesses the name (time + pid) and plants a symlink there; the clock is pinned so the guess is right.
    const at = new Date("2026-03-01T12:00:00.000Z");
    symlinkSync(victim, join(dir, `prodex-runtime-${at.toISOString().replace(/[:.]/g, "-")}-${process.pid}.log`));
    setSystemTime(at);
    let log: RuntimeLog;
    try {
      log = new RuntimeLog(dir, "text", join(dir, "prodex-runtime-latest.path"));
    } finally {
      setSystemTime();
    }
    log.line("info", "hello", { port: 1 });
    log.flush();
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(lstatSync(log.path).isSymbolicLink()).toBe(false);
    expect(lstatSync(log.path).mode & 0o777).toBe(0o600);
    expect(log.path).toMatch(/-r[0-9a-f]{8}-\d+\.log$/);
    expect(readFileSync(log.path, "utf8")).toContain("hello port=1");
    expect(readFileSync(join(dir, "prodex-runtime-latest.path"), "utf8")).toBe(`${log.path}\n`);
  });

  test("a fresh directory gets the plain name, 0700, the file 0600", () => {
    dir = mkdtempSync(join(tmpdir(), "prodex-log-"));
    const logs = join(dir, "logs");
    const log = new RuntimeLog(logs);
    expect(log.path).toMatch(/prodex-runtime-[0-9T-]+Z-\d+\.log$/);
    expect(lstatSync(logs).mode & 0o777).toBe(0o700);
    expect(lstatSync(log.path).mode & 0o777).toBe(0o600);
  });

  test("a value carrying control characters stays on one escaped line", () => {
    dir = mkdtempSync(join(tmpdir(), "prodex-log-"));
    const log = new RuntimeLog(dir);
    log.line("warn", "attempt failed", { reason: "upstream 500 \u001b[2J\u0007", code: "x\ny" });
    log.flush();
    const text = readFileSync(log.path, "utf8");
    expect(text.trimEnd().split("\n")).toHaveLength(1);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('reason="upstream 500 \\u001b[2J\\u0007" code="x\\ny"');
  });
});

describe("RuntimeLog on a full disk (log.disk_full)", () => {
  test("a failed append loses its lines only: the next starts on a fresh line and says how many were lost", () => {
    dir = mkdtempSync(join(tmpdir(), "prodex-log-"));
    // The first two appends fail halfway, as ENOSPC does.
    const log = new RuntimeLog(dir, "json", join(dir, "pointer"), new Faults(parseFaults("log.disk_full:2")));
    const batches = [[1], [2, 3], [4, 5], [6]];
    for (const batch of batches) {
      for (const n of batch) log.line("info", "request", { n });
      log.flush();
    }
    const lines = readFileSync(log.path, "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    const records = lines.slice(0, -1).flatMap((l) => {
      try {
        return [JSON.parse(l) as { message: string; n?: number; lines?: number; error?: string }];
      } catch {
        return [];
      }
    });
    // At most one broken line per failed append; no record glued to the one after it.
    expect(lines.length - 1 - records.length).toBeLessThanOrEqual(2);
    const note = records.findIndex((r) => r.message === "runtime log lines lost");
    expect(records[note]).toMatchObject({ lines: 3 });
    expect(records[note]?.error).toContain("ENOSPC");
    expect(records.slice(note + 1).map((r) => r.n)).toEqual([4, 5, 6]);
  });
});
