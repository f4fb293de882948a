// The selection decision with a big pool: `select()` from @prodex/core on 100 candidates, and
// the proxy's `PoolRuntime.choose` over 100 stored profiles (what every request pays), plus the
// other per-request and periodic pool work whose cost grows with the pool.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Candidate, Context, type UsageWindow, addProfile, select, writeAuth } from "@prodex/core";
import { createMockBackend } from "@prodex/mock";
import { PoolRuntime, pooledWindows } from "@prodex/proxy";
import { summarize } from "../../harness/stats.ts";

/** p50 and max over every call; p99 is the median of the passes' p99s (one burst of contention on this shared machine does not decide it). */
export type Timing = { p50: number; p99: number; max: number };
export type SelectionResult = {
  profiles: number;
  /** Steady state: the current profile is kept. Rotation: it just failed, the whole pool is ranked. */
  select: { keep: Timing; rotate: Timing };
  choose: { keep: Timing; rotate: Timing };
  /** Per-request pooled usage headers (`pooledWindows`) with the same pool. */
  pooled: Timing;
  /** `PoolRuntime.reload()` (every 2 s by default, on the event loop), ms. */
  reloadMs: number;
};

/** A deterministic spread of pool states: fresh, busy, nearly full, full, backed off, logged out. */
function windowsFor(i: number, now: number): UsageWindow[] {
  if (i % 10 === 9) return []; // never fetched
  const used = (i * 37) % 101;
  return [
    {
      label: "5h",
      usedPercent: used,
      windowSeconds: 18_000,
      resetAt: now + ((i * 613) % 18_000) * 1000,
      limit: "codex",
    },
    {
      label: "weekly",
      usedPercent: (i * 11) % 90,
      windowSeconds: 604_800,
      resetAt: now + ((i * 7919) % 604_800) * 1000,
      limit: "codex",
    },
  ];
}

function candidates(n: number, now: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `p${i + 1}`,
    windows: windowsFor(i, now),
    usable: i % 23 !== 22,
    backoffUntil: i % 17 === 16 ? now + 60_000 : null,
    backoffReason: i % 17 === 16 ? "transient" : null,
    lastSelectedAt: i % 3 === 0 ? null : now - i * 1000,
    health: i % 13 === 12 ? 0.5 : 1,
  }));
}

const PASSES = 5;

function timeEach(iterations: number, fn: () => void): Timing {
  for (let i = 0; i < Math.min(500, iterations); i++) fn(); // JIT warm-up
  const all: number[] = [];
  const p99s: number[] = [];
  const per = Math.max(100, Math.floor(iterations / PASSES));
  for (let pass = 0; pass < PASSES; pass++) {
    const times = new Array<number>(per);
    for (let i = 0; i < per; i++) {
      const t0 = performance.now();
      fn();
      times[i] = performance.now() - t0;
    }
    p99s.push(summarize(times).p99);
    all.push(...times);
  }
  const s = summarize(all);
  return { p50: s.p50, p99: summarize(p99s).p50, max: s.max };
}

export async function selectionBench(iterations: number, profiles = 100): Promise<SelectionResult> {
  const now = Date.now();
  const pool = candidates(profiles, now);
  const steady = select({ candidates: pool, current: "p2", now }).choice ?? "p2";
  const failed = new Set([steady]);
  const select_ = {
    keep: timeEach(iterations, () => void select({ candidates: pool, current: steady, now, exclude: new Set() })),
    rotate: timeEach(iterations, () => void select({ candidates: pool, current: steady, now, exclude: failed })),
  };

  // PoolRuntime reads the pool from a real store: 100 logged-in profiles with stored usage.
  const dir = mkdtempSync(join(tmpdir(), "prodex-bench-sel-"));
  const env = {
    HOME: join(dir, "home"),
    PRODEX_HOME: join(dir, "prodex"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared"),
    PATH: process.env.PATH ?? "",
  };
  const ctx = new Context({ env, source: "bench-selection", eventMode: "buffered" });
  const mock = await createMockBackend({
    accounts: Array.from({ length: profiles }, (_, i) => ({ id: `acct-sel-${i + 1}` })),
  });
  try {
    pool.forEach((c, i) => {
      const row = addProfile(ctx, { name: c.name });
      writeAuth(row.codexHome, mock.authFile(`acct-sel-${i + 1}`));
      if (c.windows.length)
        ctx.store.usage.insert({ profileId: row.id, fetchedAt: now, source: "live", plan: "plus", windows: c.windows });
      if (c.backoffUntil) ctx.store.backoffs.set(row.id, "transient", c.backoffUntil, "bench", now);
    });
    const runtime = new PoolRuntime(ctx, { preferred: steady, autoRotate: true, syncMs: 0 });
    // A live pool has latency samples (the dashboard's medians) on every profile.
    for (const name of runtime.names())
      for (let k = 0; k < 50; k++) runtime.succeeded(name, 200 + ((k * 37) % 400), []);
    const none = new Set<string>();
    const choose = {
      keep: timeEach(iterations, () => void runtime.choose(none)),
      rotate: timeEach(iterations, () => void runtime.choose(failed)),
    };
    const pooled = timeEach(iterations, () => void pooledWindows(runtime, Date.now()));
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) runtime.reload();
    const reloadMs = (performance.now() - t0) / 5;
    runtime.close();
    return { profiles: runtime.names().length, select: select_, choose, pooled, reloadMs };
  } finally {
    await mock.stop();
    ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
