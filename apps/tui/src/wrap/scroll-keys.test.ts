import { expect, test } from "bun:test";
import type { Key } from "./keys.ts";
import { scrollStep } from "./scroll-keys.ts";

const key = (name: Key["name"], ch = ""): Key => ({ name, ch, seq: ch });

test.each([
  ["up", key("up"), 50, 49],
  ["k", key("char", "k"), 50, 49],
  ["down", key("down"), 50, 51],
  ["page up", key("pageup"), 50, 21],
  ["space pages down, clamped at the live screen", key("char", " "), 90, 100],
  ["g to the top", key("char", "g"), 50, 0],
  ["up at the top stays", key("up"), 0, 0],
  ["q leaves", key("char", "q"), 50, null],
  ["Esc leaves", key("escape"), 50, null],
  ["G leaves (back to live)", key("char", "G"), 50, null],
  ["other keys change nothing", key("char", "x"), 50, 50],
] as const)("%s", (_name, k, top, want) => {
  expect(scrollStep(top, k, 29, 100)).toBe(want);
});
