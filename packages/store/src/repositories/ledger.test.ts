import { expect, test } from "bun:test";
import { join } from "node:path";
import { ledgerRow as row } from "@prodex/testkit/ledger-row";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { Store } from "../store.ts";

const temp = useTempDirs("prodex-ledger-");
const tempStore = () => Store.open(join(temp(), "prodex.db"));
const T = Date.UTC(2026, 11, 7, 10, 0, 0);

test("minuteTotals: one line per minute, profile, model, status and outcome, up to the rowid it read", () => {
  const store = tempStore();
  store.ledger.record(row({ at: T - 3_600_000 })); // before `since`
  store.ledger.record(row({ at: T + 1_000 }));
  store.ledger.record(row({ at: T + 59_000, rotations: 1 }));
  store.ledger.record(row({ at: T + 61_000 }));
  store.ledger.record(row({ at: T + 2_000, model: null, status: 429, outcome: "error", inputTokens: 0 }));
  store.ledger.record(row({ at: T + 3_000, profile: "bob" }));
  const { lastRowid, totals } = store.ledger.minuteTotals(T);
  expect(lastRowid).toBe(6);
  const minute = T / 60_000;
  const key = (t: (typeof totals)[number]) => `${t.minute - minute} ${t.profile} ${t.model} ${t.status}`;
  expect(
    Object.fromEntries(totals.map((t) => [key(t), [t.requests, t.inputTokens, t.outputTokens, t.rotations]])),
  ).toEqual({
    "0 alice gpt-5 200": [2, 200, 40, 1],
    "0 alice null 429": [1, 0, 20, 0],
    "0 bob gpt-5 200": [1, 100, 20, 0],
    "1 alice gpt-5 200": [1, 100, 20, 0],
  });
  store.close();
});

test("minuteTotals: rows before `hourlyBefore` are added up per hour, at the hour's last minute", () => {
  const store = tempStore();
  store.ledger.record(row({ at: T - 2 * 3_600_000 + 60_000 }));
  store.ledger.record(row({ at: T - 2 * 3_600_000 + 40 * 60_000 }));
  store.ledger.record(row({ at: T - 30 * 60_000 }));
  const { totals } = store.ledger.minuteTotals(0, T - 3_600_000);
  const minute = T / 60_000;
  expect(totals.map((t) => [t.minute - minute, t.requests]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual([
    [-120 + 59, 2],
    [-30, 1],
  ]);
  store.close();
});

test("after: the rows stored after a rowid, in storing order, whatever their time; a row offered twice is one", () => {
  const store = tempStore();
  store.ledger.record(row({ requestId: "a", at: T + 5_000 }));
  const { lastRowid } = store.ledger.minuteTotals(0);
  store.ledger.record(row({ requestId: "b", at: T - 60_000 }));
  store.ledger.record(row({ requestId: "c", at: T + 1_000 }));
  store.ledger.record(row({ requestId: "b", at: T - 60_000 }));
  const after = store.ledger.after(lastRowid);
  expect(after.map((r) => [r.requestId, r.rowid])).toEqual([
    ["b", 2],
    ["c", 3],
  ]);
  expect(store.ledger.after(3)).toEqual([]);
  expect(store.ledger.after(0, 1).map((r) => r.requestId)).toEqual(["a"]);
  store.close();
});

test("slices: where N rows on from a time end, and a slice's lines add up to the whole's", () => {
  const store = tempStore();
  for (let i = 0; i < 10; i++) store.ledger.record(row({ requestId: `r${i}`, at: T + i * 10_000, inputTokens: i }));
  const upToRowid = store.ledger.lastRowid();
  expect(upToRowid).toBe(10);
  store.ledger.record(row({ requestId: "late", at: T + 1 })); // stored after the read began
  // Bounds count every row (the late one too: T, T+1, T+10s, T+20s, then T+30s); the slices leave it out.
  expect(store.ledger.atAfterRows(T, 4)).toBe(T + 30_000);
  expect(store.ledger.atAfterRows(T + 30_000, 7)).toBeNull();
  const slice = (from: number, before?: number) =>
    store.ledger.minuteTotalsIn({ from, before, hourlyBefore: 0, upToRowid });
  const sum = (lines: { requests: number; inputTokens: number }[]) =>
    lines.reduce<[number, number]>(([r, t], l) => [r + l.requests, t + l.inputTokens], [0, 0]);
  expect(sum(slice(T, T + 30_000))).toEqual([3, 0 + 1 + 2]);
  expect(sum(slice(T + 30_000))).toEqual([7, 3 + 4 + 5 + 6 + 7 + 8 + 9]);
  expect(sum(slice(T))).toEqual([10, 45]); // not the late row: after upToRowid
  store.close();
});
