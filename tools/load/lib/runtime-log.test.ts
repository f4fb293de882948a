import { describe, expect, test } from "bun:test";
import { RuntimeLog } from "@prodex/proxy";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLine, summarizeLog } from "./runtime-log.ts";

describe("runtime log reading", () => {
  test("reads what the proxy's RuntimeLog writes (quoted values included)", () => {
    const dir = mkdtempSync(join(tmpdir(), "prodex-load-log-"));
    try {
      const log = new RuntimeLog(dir, "text", join(dir, "pointer"));
      log.line("info", "request", {
        profile: "p1",
        status: 200,
        ms: 12,
        attempts: 1,
        completed: true,
        aborted: false,
        error: null,
      });
      log.line("warn", "attempt failed", {
        profile: "p1",
        kind: "quota",
        reason: "usage limit reached (usage_limit_reached)",
      });
      log.line("info", "rotate", {
        from: "p1",
        to: "p2",
        reason: "usage limit reached (usage_limit_reached)",
        path: "/codex/responses",
      });
      log.line("info", "request", { profile: "p2", status: 200, ms: 30, attempts: 2, completed: true, aborted: false });
      log.line("warn", "request", {
        transport: "ws",
        profile: "p2",
        attempts: 3,
        completed: false,
        error: "client disconnected",
      });
      log.line("warn", "attempt failed", { profile: "p3", kind: "overload", reason: "upstream 503" });
      log.line("warn", "no account could serve", { path: "/codex/responses", attempts: 4, tried: "p1,p2,p3,p4" });
      log.flush();
      const text = readFileSync(log.path, "utf8");
      expect(parseLine(text.split("\n")[1] ?? "")).toEqual({
        level: "WARN",
        message: "attempt failed",
        fields: { profile: "p1", kind: "quota", reason: "usage limit reached (usage_limit_reached)" },
      });
      expect(summarizeLog(text)).toEqual({
        requests: 3,
        retries: 3,
        retried: 2,
        failedAttempts: { quota: 1, overload: 1 },
        unserved: 1,
        byProfile: { p1: 1, p2: 2 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("other lines are skipped", () => {
    expect(parseLine("")).toBeNull();
    expect(parseLine("not a log line")).toBeNull();
    expect(summarizeLog("garbage\n\n").requests).toBe(0);
  });
});
