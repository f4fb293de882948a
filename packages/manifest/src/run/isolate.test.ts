import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSandbox, portBase, portSpan, removeSandbox } from "./isolate.ts";

describe("makeSandbox", () => {
  test("fresh dirs for every state variable; the parent env is copied, not changed", async () => {
    const root = mkdtempSync(join(tmpdir(), "iso-test-"));
    try {
      const parent = {
        PATH: "/usr/bin",
        HOME: "/root",
        PRODEX_HOME: "/root/.prodex",
        CODEX_HOME: "/root/.codex",
        OPENAI_API_KEY: "sk-x",
        CI: "true",
      };
      const before = { ...parent };
      const s = await makeSandbox(parent, "fast-1", 3, root);
      expect(parent).toEqual(before);
      for (const k of ["HOME", "PRODEX_HOME", "CODEX_HOME", "CLAUDE_CONFIG_DIR", "PRODEX_RUNTIME_LOG_DIR", "TMPDIR"]) {
        expect(s.env[k]?.startsWith(s.dir)).toBe(true);
        expect(existsSync(s.env[k] ?? "")).toBe(true);
      }
      expect(s.env.OPENAI_API_KEY).toBeUndefined();
      expect([s.env.PATH, s.env.CI]).toEqual(["/usr/bin", "true"]);
      expect(s.env.PRODEX_TEST_PORT_BASE).toBe(String(portBase(3)));
      expect(s.env.PRODEX_TEST_PORT_COUNT).toBe(String(portSpan));
      expect(s.logDir).toBe(s.env.PRODEX_RUNTIME_LOG_DIR ?? "");
      await removeSandbox(s);
      expect(existsSync(s.dir)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("portBase", () => {
  test("slots get disjoint ranges between 20000 and 30000", () => {
    const bases = [0, 1, 2, 3].map((s) => portBase(s, 42));
    expect(new Set(bases).size).toBe(4);
    for (const b of bases) expect(b >= 20_000 && b + portSpan <= 30_000).toBe(true);
    for (let i = 1; i < bases.length; i++)
      expect(Math.abs((bases[i] ?? 0) - (bases[i - 1] ?? 0))).toBeGreaterThanOrEqual(portSpan);
  });
  test("wraps instead of leaving the range", () => {
    expect(portBase(1, 99)).toBe(20_000);
  });
});
