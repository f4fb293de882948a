import type { PoolEvent, PoolSnapshot, UsagePeriod } from "@prodex/core/types";
import { USAGE_PERIODS } from "@prodex/core/types";
import { nextPeriod } from "../ui/usage-view.ts";
import type { Key } from "../wrap/keys.ts";

export type LevelFilter = "all" | "warn" | "error";

/** UI state of the full-screen pool view; `usage` shows the usage view in its place (`t` toggles). */
export type PoolViewState = {
  selected: number;
  level: LevelFilter;
  text: string;
  editing: boolean;
  usage: boolean;
  period: UsagePeriod;
};

export type PoolAction =
  | { type: "pin"; profile: string | null }
  | { type: "autoRotate"; enabled: boolean }
  /** Take the selected account out of the pool, or put it back (availability's "paused"). */
  | { type: "pause"; profile: string; paused: boolean }
  | { type: "close" };

export const initialPoolView: PoolViewState = {
  selected: 0,
  level: "all",
  text: "",
  editing: false,
  usage: false,
  period: "1h",
};

const isClose = (key: Key, ch: string) =>
  key.name === "escape" || ch === "q" || ch === "d" || (key.name === "ctrl" && key.ch === "c");

/** One key in the usage view: a period (1 2 3, ← →), back to the pool (t), or close as the pool view does. */
function usageKey(view: PoolViewState, key: Key): { view: PoolViewState; action?: PoolAction } {
  const ch = key.name === "char" ? key.ch : "";
  if (ch === "t") return { view: { ...view, usage: false } };
  // The digits the view numbers its periods with (usage-view.ts): 1 is the first of USAGE_PERIODS.
  const numbered = /^[1-9]$/.test(ch) ? USAGE_PERIODS[Number(ch) - 1] : undefined;
  if (numbered) return { view: { ...view, period: numbered } };
  if (key.name === "right" || key.name === "tab" || ch === "l")
    return { view: { ...view, period: nextPeriod(view.period) } };
  if (key.name === "left" || ch === "h") return { view: { ...view, period: nextPeriod(view.period, -1) } };
  if (isClose(key, ch)) return { view, action: { type: "close" } };
  return { view };
}

const nextLevel: Record<LevelFilter, LevelFilter> = { all: "warn", warn: "error", error: "all" };

/** One key in the pool view → the new view state and what to ask of the pool, if anything. */
export function poolKey(
  view: PoolViewState,
  key: Key,
  snap: PoolSnapshot,
): { view: PoolViewState; action?: PoolAction } {
  if (view.usage) return usageKey(view, key);
  const n = snap.profiles.length;
  const sel = Math.min(view.selected, Math.max(0, n - 1));
  if (view.editing) {
    if (key.name === "enter" || key.name === "escape") return { view: { ...view, editing: false } };
    if (key.name === "backspace") return { view: { ...view, text: view.text.slice(0, -1) } };
    if (key.name === "ctrl" && key.ch === "u") return { view: { ...view, text: "" } };
    if (key.name === "char") return { view: { ...view, text: view.text + key.ch } };
    return { view };
  }
  const ch = key.name === "char" ? key.ch : "";
  if (key.name === "up" || ch === "k") return { view: { ...view, selected: Math.max(0, sel - 1) } };
  if (key.name === "down" || ch === "j") return { view: { ...view, selected: Math.min(Math.max(0, n - 1), sel + 1) } };
  if (key.name === "home" || ch === "g") return { view: { ...view, selected: 0 } };
  if (key.name === "end" || ch === "G") return { view: { ...view, selected: Math.max(0, n - 1) } };
  if (ch >= "1" && ch <= "9") {
    const i = Number(ch) - 1;
    const p = snap.profiles[i];
    if (!p) return { view };
    return { view: { ...view, selected: i }, action: { type: "pin", profile: p.name } };
  }
  if (key.name === "enter" || ch === "p") {
    const p = snap.profiles[sel];
    if (!p) return { view };
    // Pinning the pinned profile again releases it.
    return { view, action: { type: "pin", profile: snap.pinned === p.name ? null : p.name } };
  }
  if (ch === "u" || ch === "0") return { view, action: { type: "pin", profile: null } };
  if (ch === "a") return { view, action: { type: "autoRotate", enabled: !snap.autoRotate } };
  if (ch === "s") {
    const p = snap.profiles[sel];
    if (!p) return { view };
    return { view, action: { type: "pause", profile: p.name, paused: !p.paused } };
  }
  if (ch === "f") return { view: { ...view, level: nextLevel[view.level] } };
  if (ch === "/") return { view: { ...view, editing: true } };
  if (ch === "c") return { view: { ...view, level: "all", text: "" } };
  if (ch === "t") return { view: { ...view, usage: true } };
  if (isClose(key, ch)) return { view, action: { type: "close" } };
  return { view };
}

export function filterEvents(events: PoolEvent[], view: PoolViewState): PoolEvent[] {
  const text = view.text.toLowerCase();
  return events.filter((e) => {
    if (view.level === "warn" && e.level === "info") return false;
    if (view.level === "error" && e.level !== "error") return false;
    if (!text) return true;
    return (
      e.message.toLowerCase().includes(text) || e.kind.includes(text) || (e.profile ?? "").toLowerCase().includes(text)
    );
  });
}
