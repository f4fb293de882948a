import { describe, expect, test } from "bun:test";
import { rememberToolName, upstreamToolName } from "./tool-names.ts";

describe("upstreamToolName", () => {
  const same = ["Bash", "mcp__github__create_issue", "a-b_c", "x".repeat(64)];
  for (const n of same) test(`valid stays: ${n.slice(0, 20)}`, () => expect(upstreamToolName(n)).toBe(n));
  const changed = ["x".repeat(65), "mcp__srv__tool.name", "with space", ""];
  for (const n of changed) {
    test(`rewritten: ${JSON.stringify(n.slice(0, 20))}`, () => {
      const up = upstreamToolName(n);
      expect(up).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(upstreamToolName(n)).toBe(up);
    });
  }
  test("different long names stay distinct", () => {
    expect(upstreamToolName(`${"x".repeat(70)}a`)).not.toBe(upstreamToolName(`${"x".repeat(70)}b`));
  });
  test("rememberToolName records only rewrites", () => {
    const m = new Map<string, string>();
    rememberToolName(m, "Bash");
    const up = rememberToolName(m, "a.b");
    expect([...m]).toEqual([[up, "a.b"]]);
  });
});
