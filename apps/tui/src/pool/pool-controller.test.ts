import { describe, expect, test } from "bun:test";
import { sampleEvents, sampleSnapshot } from "../ui/fixtures.ts";
import { splitKeys } from "../wrap/keys.ts";
import { filterEvents, initialPoolView, poolKey, type PoolViewState } from "./pool-controller.ts";

const snap = sampleSnapshot(0);
const press = (view: PoolViewState, input: string, s = snap) => {
  let v = view;
  const actions = [];
  for (const k of splitKeys(input)) {
    const r = poolKey(v, k, s);
    v = r.view;
    if (r.action) actions.push(r.action);
  }
  return { view: v, actions };
};

describe("poolKey", () => {
  test("moves the selection within bounds", () => {
    expect(press(initialPoolView, "\x1b[B\x1b[Bjj").view.selected).toBe(3);
    expect(press(initialPoolView, "k\x1b[A").view.selected).toBe(0);
    expect(press(initialPoolView, "G").view.selected).toBe(3);
  });
  test("pins the selection, or unpins when it is already pinned", () => {
    expect(press(initialPoolView, "jp").actions).toEqual([{ type: "pin", profile: "personal" }]);
    expect(press(initialPoolView, "\r", { ...snap, pinned: "work" }).actions).toEqual([{ type: "pin", profile: null }]);
    expect(press(initialPoolView, "3").actions).toEqual([{ type: "pin", profile: "backup" }]);
    expect(press(initialPoolView, "9").actions).toEqual([]);
    expect(press(initialPoolView, "u").actions).toEqual([{ type: "pin", profile: null }]);
  });
  test("toggles auto-rotate against the snapshot", () => {
    expect(press(initialPoolView, "a").actions).toEqual([{ type: "autoRotate", enabled: false }]);
    expect(press(initialPoolView, "a", { ...snap, autoRotate: false }).actions).toEqual([
      { type: "autoRotate", enabled: true },
    ]);
  });
  test("s pauses the selected account, or resumes it when it is paused", () => {
    expect(press(initialPoolView, "js").actions).toEqual([{ type: "pause", profile: "personal", paused: true }]);
    const paused = {
      ...snap,
      profiles: snap.profiles.map((p, i) => (i === 1 ? { ...p, paused: { by: null, at: 0 } } : p)),
    };
    expect(press(initialPoolView, "js", paused).actions).toEqual([
      { type: "pause", profile: "personal", paused: false },
    ]);
    expect(press(initialPoolView, "s", { ...snap, profiles: [] }).actions).toEqual([]);
  });
  test("filters: level cycles, / edits text, c clears", () => {
    expect(press(initialPoolView, "ff").view.level).toBe("error");
    const typed = press(initialPoolView, "/rotx\x7f\r");
    expect(typed.view).toMatchObject({ text: "rot", editing: false });
    // While editing, letters are text, not commands.
    expect(press(initialPoolView, "/q").actions).toEqual([]);
    expect(press(typed.view, "c").view).toMatchObject({ text: "", level: "all" });
  });
  test.each([
    ["t shows the usage view", "t", { usage: true, period: "1h" }, []],
    ["t again goes back to the pool", "tt", { usage: false }, []],
    ["1 2 3 pick a period", "t3", { usage: true, period: "7d" }, []],
    ["→ and Tab step forward, wrapping", "t\x1b[C\t\x1b[C", { period: "1h" }, []],
    ["← steps back", "t\x1b[D", { period: "7d" }, []],
    ["pool keys do nothing there", "tjpa", { usage: true, selected: 0 }, []],
    ["Esc closes from there too", "t\x1b", { usage: true }, [{ type: "close" }]],
    ["and q", "t2q", { period: "24h" }, [{ type: "close" }]],
  ] as const)("usage view: %s", (_name, keys, view, actions) => {
    const r = press(initialPoolView, keys);
    expect(r.view).toMatchObject(view);
    expect(r.actions).toEqual([...actions]);
  });
  test("escape and q close", () => {
    expect(press(initialPoolView, "\x1b").actions).toEqual([{ type: "close" }]);
    expect(press(initialPoolView, "q").actions).toEqual([{ type: "close" }]);
  });
});

test("filterEvents by level and text", () => {
  const events = sampleEvents(0);
  expect(filterEvents(events, { ...initialPoolView, level: "warn" }).map((e) => e.id)).toEqual([4, 6]);
  expect(filterEvents(events, { ...initialPoolView, text: "ROTATION" }).map((e) => e.id)).toEqual([5]);
  expect(filterEvents(events, { ...initialPoolView, text: "backup" }).map((e) => e.id)).toEqual([4, 5]);
});
