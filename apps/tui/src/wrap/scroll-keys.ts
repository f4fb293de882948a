import type { Key } from "./keys.ts";

/**
 * Scroll-back mode: the first buffer line shown after `k`, or null when the key leaves the mode.
 * `page` is the pane's height less one; `base` the first line of the agent's live screen.
 */
export function scrollStep(top: number, k: Key, page: number, base: number): number | null {
  const ch = k.name === "char" ? k.ch : "";
  let next = top;
  if (k.name === "up" || ch === "k") next -= 1;
  else if (k.name === "down" || ch === "j") next += 1;
  else if (k.name === "pageup" || ch === "b") next -= page;
  else if (k.name === "pagedown" || ch === " " || ch === "f") next += page;
  else if (k.name === "home" || ch === "g") next = 0;
  else if (k.name === "end" || ch === "G" || k.name === "escape" || ch === "q") return null;
  return Math.max(0, Math.min(base, next));
}
