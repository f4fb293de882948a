import { describe, expect, test } from "bun:test";
import { detectTheme, hue, makeTheme } from "./theme.ts";

describe("detectTheme", () => {
  const cases: [string, Record<string, string>, { color: boolean; ascii: boolean }][] = [
    ["plain UTF-8 terminal", { TERM: "xterm-256color", LANG: "en_US.UTF-8" }, { color: true, ascii: false }],
    ["no locale set", { TERM: "xterm" }, { color: true, ascii: false }],
    ["NO_COLOR", { NO_COLOR: "1", LANG: "C.UTF-8" }, { color: false, ascii: false }],
    ["empty NO_COLOR is ignored", { NO_COLOR: "" }, { color: true, ascii: false }],
    ["FORCE_COLOR=0", { FORCE_COLOR: "0" }, { color: false, ascii: false }],
    ["TERM=dumb", { TERM: "dumb", LANG: "en_US.UTF-8" }, { color: false, ascii: true }],
    ["non-UTF-8 locale", { LANG: "C" }, { color: true, ascii: true }],
    ["LC_ALL wins over LANG", { LC_ALL: "POSIX", LANG: "en_US.UTF-8" }, { color: true, ascii: true }],
    ["PRODEX_ASCII=1", { PRODEX_ASCII: "1" }, { color: true, ascii: true }],
  ];
  for (const [name, env, want] of cases)
    test(name, () => {
      const t = detectTheme(env);
      expect({ color: t.color, ascii: t.ascii }).toEqual(want);
    });

  test("ASCII glyphs are plain 7-bit", () => {
    const g = makeTheme({ ascii: true }).g;
    const all = [
      g.full,
      g.track,
      g.sep,
      g.rule,
      g.current,
      g.pinned,
      g.arrow,
      g.dot,
      ...Object.values(g.status),
      ...g.spark,
    ];
    for (const s of all) expect(/^[\x20-\x7e]*$/.test(s)).toBe(true);
  });

  test("hue is dropped without colour", () => {
    expect(hue(makeTheme({ color: false }), "green")).toBeUndefined();
    expect(hue(makeTheme({ color: true }), "green")).toBe("green");
  });
});
