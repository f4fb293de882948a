import { expect, test } from "bun:test";
import { join } from "node:path";
import { Store } from "@prodex/store";
import { type TestLedgerRow, ledgerRow } from "@prodex/testkit/ledger-row";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { usageTracker } from "./usage-tracker.ts";

const temp = useTempDirs("prodex-usage-");
const tempStore = () => Store.open(join(temp(), "prodex.db"));
const now = Date.UTC(2026, 11, 7, 12, 0, 30);
const H = 3_600_000;
const row = (patch: Partial<TestLedgerRow>) => ledgerRow({ at: now, ...patch });
const requests = (t: ReturnType<typeof usageTracker>) => t.current()?.periods.map((p) => p.total.requests);

test("the past once, then only new rows, from any writer, whenever they started", () => {
  const store = tempStore();
  store.ledger.record(row({ at: now - 2 * H }));
  store.ledger.record(row({ at: now - 8 * 24 * H })); // older than any period
  const tracker = usageTracker(store.ledger);
  expect(tracker.current()).toBeNull();
  tracker.refresh(now);
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

test("periods slide with the clock: an hour later the last hour is empty", () => {
  const store = tempStore();
  store.ledger.record(row({}));
  const tracker = usageTracker(store.ledger);
  tracker.refresh(now);
  expect(requests(tracker)).toEqual([1, 1, 1]);
  tracker.refresh(now + H + 60_000);
  expect(requests(tracker)).toEqual([0, 1, 1]);
  tracker.refresh(now + 8 * 24 * H);
  expect(requests(tracker)).toEqual([0, 0, 0]);
  store.close();
});

test("more new rows than one read takes are all counted", () => {
  const store = tempStore();
  const tracker = usageTracker(store.ledger);
  tracker.refresh(now);
  store.transaction(() => {
    for (let i = 0; i < 2_500; i++) store.ledger.record(row({ at: now - i }));
  });
  tracker.refresh(now);
  expect(requests(tracker)).toEqual([2_500, 2_500, 2_500]);
  store.close();
});

test("a read the store breaks off keeps what it got: shown now, not lost when nothing new comes after", () => {
  const store = tempStore();
  let busyOnce = false;
  const tracker = usageTracker({
    minuteTotals: (since, hourlyBefore) => store.ledger.minuteTotals(since, hourlyBefore),
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
