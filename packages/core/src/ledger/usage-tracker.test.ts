import { expect, test } from "bun:test";
import { join } from "node:path";
import { Store } from "@prodex/store";
import { type TestLedgerRow, ledgerRow } from "@prodex/testkit/ledger-row";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { ledgerGrandTotal, ledgerTotals } from "./ledger-totals.ts";
import { SLICE_ROWS } from "./past-usage-read.ts";
import { usageTracker } from "./usage-tracker.ts";

const temp = useTempDirs("prodex-usage-");
const tempStore = () => Store.open(join(temp(), "prodex.db"));
const now = Date.UTC(2026, 11, 7, 12, 0, 30);
const H = 3_600_000;
const row = (patch: Partial<TestLedgerRow>) => ledgerRow({ at: now, ...patch });
const requests = (t: ReturnType<typeof usageTracker>) => t.current()?.periods.map((p) => p.total.requests);

test("the past once, then only new rows, from any writer, whenever they started", async () => {
  const store = tempStore();
  store.ledger.record(row({ at: now - 2 * H }));
  store.ledger.record(row({ at: now - 8 * 24 * H })); // older than any period
  const tracker = usageTracker(store.ledger);
  expect(tracker.current()).toBeNull();
  tracker.refresh(now);
  await tracker.ready();
  expect(requests(tracker)).toEqual([0, 1, 1]);
  const first = tracker.current();
  tracker.refresh(now + 100);
  expect(tracker.current()).toBe(first); // nothing new: the same object, nothing to send
  // A long request stored late, started before the last one read; another process's row.
  store.ledger.record(row({ at: now - 30 * 60_000, profile: "bob", model: "gpt-5-codex", inputTokens: 5_000 }));
  const other = Store.open(store.path);
  other.ledger.record(row({ at: now, status: 429, outcome: "error" }));
  other.close();
  tracker.refresh(now + 200);
  expect(tracker.current()).not.toBe(first);
  expect(requests(tracker)).toEqual([2, 3, 3]);
  const hour = tracker.current()?.periods[0];
  expect(hour?.total.errors).toBe(1);
  expect(hour?.by.profile?.map((t) => [t.group, t.requests, t.inputTokens])).toEqual([
    ["bob", 1, 5_000],
    ["alice", 1, 100],
  ]);
  expect(hour?.by.model?.map((t) => t.group)).toEqual(["gpt-5-codex", "gpt-5"]);
  store.close();
});

test("periods slide with the clock: an hour later the last hour is empty", async () => {
  const store = tempStore();
  store.ledger.record(row({}));
  const tracker = usageTracker(store.ledger);
  tracker.refresh(now);
  await tracker.ready();
  expect(requests(tracker)).toEqual([1, 1, 1]);
  tracker.refresh(now + H + 60_000);
  expect(requests(tracker)).toEqual([0, 1, 1]);
  tracker.refresh(now + 8 * 24 * H);
  expect(requests(tracker)).toEqual([0, 0, 0]);
  store.close();
});

test("more new rows than one read takes are all counted", async () => {
  const store = tempStore();
  const tracker = usageTracker(store.ledger);
  tracker.refresh(now);
  await tracker.ready();
  store.transaction(() => {
    for (let i = 0; i < 2_500; i++) store.ledger.record(row({ at: now - i }));
  });
  tracker.refresh(now);
  expect(requests(tracker)).toEqual([2_500, 2_500, 2_500]);
  store.close();
});

test("a read the store breaks off keeps what it got: shown now, not lost when nothing new comes after", async () => {
  const store = tempStore();
  let busyOnce = false;
  const tracker = usageTracker({
    lastRowid: () => store.ledger.lastRowid(),
    atAfterRows: (from, rows) => store.ledger.atAfterRows(from, rows),
    minuteTotalsIn: (slice) => store.ledger.minuteTotalsIn(slice),
    // The batch after a full one is refused once, as a busy store would.
    after(lastRowid, limit) {
      if (lastRowid > 0 && busyOnce) {
        busyOnce = false;
        throw new Error("database is locked");
      }
      return store.ledger.after(lastRowid, limit);
    },
  });
  tracker.refresh(now);
  await tracker.ready();
  store.transaction(() => {
    for (let i = 0; i < 1_000; i++) store.ledger.record(row({ at: now - i }));
  });
  busyOnce = true;
  expect(() => tracker.refresh(now)).not.toThrow();
  expect(requests(tracker)).toEqual([1_000, 1_000, 1_000]);
  store.ledger.record(row({}));
  tracker.refresh(now);
  expect(requests(tracker)).toEqual([1_001, 1_001, 1_001]);
  store.close();
});

test("the first read lets the loop go between slices; rows stored meanwhile are counted once", async () => {
  const store = tempStore();
  const n = 3 * SLICE_ROWS + 17;
  store.transaction(() => {
    // Spread over the week, and a run of rows in one millisecond larger than a slice.
    for (let i = 0; i < n; i++) store.ledger.record(row({ at: now - (i % 7) * 24 * H + (i % 3) * 60_000 }));
    for (let i = 0; i < SLICE_ROWS + 5; i++) store.ledger.record(row({ at: now - 3 * H }));
  });
  const tracker = usageTracker(store.ledger);
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    // Another process writes while the past is read: after the read's snapshot, so read as a new row.
    if (ticks === 1) store.ledger.record(row({ at: now - 1_000 }));
  }, 0);
  tracker.refresh(now);
  await tracker.ready();
  clearInterval(timer);
  expect(ticks).toBeGreaterThan(0);
  tracker.refresh(now);
  const total = n + SLICE_ROWS + 5 + 1;
  expect(requests(tracker)?.[2]).toBe(total);
  const week = store.ledger.since(now - 7 * 24 * H - 60_000);
  expect(week.length).toBe(total);
  const seven = tracker.current()?.periods[2];
  expect(seven?.total).toEqual(ledgerGrandTotal(week));
  expect(seven?.by.model).toEqual(ledgerTotals(week, "model"));
  store.close();
});
