import { describe, expect, test } from "bun:test";
import { makeTheme } from "../env/theme.ts";
import { boxed, fit, lineText, lineWidth, plain, seg, spread } from "./lines.ts";

describe("fit", () => {
  const line = [seg("hello ", { bold: true }), seg("world", { hue: "green" })];
  test("pads short lines", () => expect(lineText(fit(line, 14))).toBe("hello world   "));
  test("cuts long lines with an ellipsis, keeping styles", () => {
    const f = fit(line, 8);
    expect(lineText(f)).toBe("hello w…");
    expect(f[1]).toEqual({ text: "w…", hue: "green" });
  });
  test("wide glyphs never overflow", () => {
    for (let w = 0; w < 8; w++) expect(lineWidth(fit([plain("界界界界")], w))).toBe(w);
  });
});

test("spread right-aligns and lets the left side give way", () => {
  expect(lineText(spread([plain("left")], [plain("right")], 12))).toBe("left   right");
  expect(lineText(spread([plain("a long left side")], [plain("right")], 12))).toBe("a lon… right");
});

test("boxed draws a frame of exactly the width, Unicode or ASCII", () => {
  const u = boxed([[plain("hi")]], 10, makeTheme(), { title: [plain("t")] }).map(lineText);
  expect(u).toEqual(["╭─ t ────╮", "│ hi     │", "╰────────╯"]);
  const a = boxed([[plain("hi")]], 8, makeTheme({ ascii: true })).map(lineText);
  expect(a).toEqual(["+------+", "| hi   |", "+------+"]);
});
