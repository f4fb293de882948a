import type { Key as InkKey } from "ink";
import type { Key } from "./keys.ts";

/**
 * Ink's keypress as the dashboard's own keys. Keys typed faster than Ink reads arrive as one
 * string (like a paste): each character is a key.
 */
export function fromInkAll(input: string, key: InkKey): Key[] {
  const plain = !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab;
  if (plain && [...input].length > 1) return [...input].map((ch) => ({ name: "char", ch, seq: ch }));
  return [fromInk(input, key)];
}

/** Ink's parsed keypress as the dashboard's own key (what pool-controller and the modes read). */
export function fromInk(input: string, key: InkKey): Key {
  const k = (name: Key["name"], ch = ""): Key => ({ name, ch, seq: input });
  if (key.upArrow) return k("up");
  if (key.downArrow) return k("down");
  if (key.leftArrow) return k("left");
  if (key.rightArrow) return k("right");
  if (key.pageUp) return k("pageup");
  if (key.pageDown) return k("pagedown");
  if (key.home) return k("home");
  if (key.end) return k("end");
  if (key.return) return k("enter");
  if (key.escape) return k("escape");
  if (key.tab) return k("tab");
  // Terminals send DEL (0x7f) for Backspace; Ink names it either way.
  if (key.backspace || key.delete) return k("backspace");
  if (key.ctrl && input.length === 1) return k("ctrl", input.toLowerCase());
  if (!input) return k("other");
  return k("char", input);
}
