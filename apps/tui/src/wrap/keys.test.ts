import { describe, expect, test } from "bun:test";
import { KeySpecError, parsePrefixKey, prefixLabel, splitKeys } from "./keys.ts";

describe("parsePrefixKey", () => {
  const ok: [string | undefined, number][] = [
    [undefined, 0x1d],
    ["C-]", 0x1d],
    ["ctrl-\\", 0x1c],
    ["Ctrl+a", 0x01],
    ["^]", 0x1d],
    ["^_", 0x1f],
    ["\x1c", 0x1c],
  ];
  for (const [spec, want] of ok)
    test(`${JSON.stringify(spec)} → ${want}`, () => expect(parsePrefixKey(spec)).toBe(want));
  for (const bad of ["x", "C-1", "ctrl-m", "C-[", "alt-x", "C-i"])
    test(`rejects ${bad}`, () => expect(() => parsePrefixKey(bad)).toThrow(KeySpecError));
  test("label", () => expect(prefixLabel(0x1d)).toBe("Ctrl-]"));
});

describe("splitKeys", () => {
  test("names arrows, paging, editing and plain keys", () => {
    const names = splitKeys("a\x1b[A\x1bOB\x1b[5~\x1b[6~\r\t\x7f\x1b\x03é").map((k) => k.name);
    expect(names).toEqual([
      "char",
      "up",
      "down",
      "pageup",
      "pagedown",
      "enter",
      "tab",
      "backspace",
      "escape",
      "ctrl",
      "char",
    ]);
  });
  test("ctrl keys carry their letter", () => {
    expect(splitKeys("\x03")[0]).toEqual({ name: "ctrl", ch: "c", seq: "\x03" });
  });
});
