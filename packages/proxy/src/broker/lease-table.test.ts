import { describe, expect, test } from "bun:test";
import { pathId } from "../routes/guards.ts";
import { LEASE_STALE_MS, type LeaseEnd, LeaseTable, leaseEnd } from "./lease-table.ts";

describe("leaseEnd", () => {
  const cases: { name: string; beatAgo: number; alive: boolean; want: LeaseEnd | null }[] = [
    { name: "fresh and alive", beatAgo: 0, alive: true, want: null },
    { name: "alive, beat just inside the window", beatAgo: LEASE_STALE_MS, alive: true, want: null },
    { name: "alive but silent too long", beatAgo: LEASE_STALE_MS + 1, alive: true, want: "heartbeat stale" },
    { name: "pid gone, fresh beat", beatAgo: 0, alive: false, want: "pid gone" },
    { name: "pid gone and silent: the pid says more", beatAgo: LEASE_STALE_MS * 2, alive: false, want: "pid gone" },
  ];
  test.each(cases)("$name", ({ beatAgo, alive, want }) => {
    const now = 1_000_000;
    expect(leaseEnd({ beatAt: now - beatAgo }, now, alive)).toBe(want);
  });
});

function table(now: { t: number }) {
  const events: string[] = [];
  const leases = new LeaseTable(() => now.t, {
    opened: (l) => events.push(`open ${l.pid}`),
    renewed: (l) => events.push(`beat ${l.pid}`),
    ended: (l, why) => events.push(`end ${l.pid} ${why}`),
  });
  return { leases, events };
}

const input = (pid: number) => ({ pid, profile: "p1", autoRotate: true, models: null });

describe("LeaseTable", () => {
  test("each lease has its own id and secret; the secret finds its scope, a wrong one nothing", () => {
    const { leases } = table({ t: 0 });
    const a = leases.open(input(10));
    const b = leases.open({ ...input(11), autoRotate: false, profile: "p2" });
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(leases.authenticate(a.secret)).toEqual({ id: a.id, profile: "p1", autoRotate: true, models: null });
    expect(leases.authenticate(b.secret)?.autoRotate).toBe(false);
    expect(leases.authenticate(`${a.secret}x`)).toBeNull();
    // Codex's URLs name a lease by its path id, which leads to the lease's own secret (for the header check).
    expect(leases.authenticatePath(pathId(a.secret))).toEqual({
      scope: a.scope,
      secret: a.secret,
      pathId: pathId(a.secret),
    });
    expect(leases.authenticatePath(pathId(b.secret))?.secret).toBe(b.secret);
    expect(leases.authenticatePath(a.secret)).toBeNull();
    expect(leases.authenticate(pathId(a.secret))).toBeNull();
    expect(leases.authenticatePath(undefined)).toBeNull();
    expect(leases.authenticate(undefined)).toBeNull();
    expect(leases.authenticate("")).toBeNull();
  });

  test("release revokes one lease only", () => {
    const { leases, events } = table({ t: 0 });
    const a = leases.open(input(10));
    const b = leases.open(input(11));
    expect(leases.release(a.id)?.id).toBe(a.id);
    expect(leases.release(a.id)).toBeNull();
    expect(leases.authenticate(a.secret)).toBeNull();
    expect(leases.authenticatePath(pathId(a.secret))).toBeNull();
    expect(leases.authenticate(b.secret)?.id).toBe(b.id);
    expect(events).toEqual(["open 10", "open 11", "end 10 released"]);
  });

  test("sweep ends leases of dead pids and silent launches; renew keeps one alive", () => {
    const now = { t: 0 };
    const { leases, events } = table(now);
    const dead = leases.open(input(10));
    const quiet = leases.open(input(11));
    const busy = leases.open(input(12));
    now.t = LEASE_STALE_MS;
    leases.renew(busy.id);
    now.t = LEASE_STALE_MS + 1;
    const ended = leases.sweep((pid) => pid !== dead.pid);
    expect(ended.map((e) => [e.lease.pid, e.why])).toEqual([
      [10, "pid gone"],
      [11, "heartbeat stale"],
    ]);
    expect(leases.list().map((l) => l.id)).toEqual([busy.id]);
    expect(leases.authenticate(quiet.secret)).toBeNull();
    expect(events.at(-1)).toBe("end 11 heartbeat stale");
  });

  test("forgive: after the broker slept, nobody is stale", () => {
    const now = { t: 0 };
    const { leases } = table(now);
    leases.open(input(10));
    now.t = LEASE_STALE_MS * 10;
    leases.forgive();
    expect(leases.sweep(() => true)).toEqual([]);
    expect(leases.size).toBe(1);
  });

  test("a known lease is re-admitted with its id and secret", () => {
    const { leases } = table({ t: 0 });
    const a = leases.open(input(10));
    leases.release(a.id);
    const again = leases.open(input(10), { id: a.id, secret: a.secret });
    expect([again.id, again.secret]).toEqual([a.id, a.secret]);
    expect(leases.authenticate(a.secret)?.id).toBe(a.id);
    expect(leases.renew("nope")).toBeNull();
  });
});
