import { type Context, withFileLock } from "@prodex/core";
import { type ProxyHandle, startProxy } from "../server.ts";
import { observeLogins } from "../engine/recent-tokens.ts";
import { type BrokerPaths, brokerPaths, readAdminSecret, removeAdminSecret, writeAdminSecret } from "./broker-paths.ts";
import { LEASE_STALE_MS, LeaseTable, newSecret } from "./lease-table.ts";
import { brokerRowId, leaseRowId, pidAlive } from "./registration.ts";

export type BrokerOptions = {
  ctx: Context;
  upstream: string;
  /** Listen here (a broker revived by a launch takes its dead predecessor's port); default: any free port. */
  port?: number;
  /** Exit this long after the last lease ended (default 5 s). */
  graceMs?: number;
  /** Before any launch attached, wait at least this long (default max(grace, 10 s)). */
  firstLeaseMs?: number;
  /** How often leases are checked (default min(1 s, grace / 2)) and the registration renewed (2 s). */
  sweepMs?: number;
  registrationMs?: number;
  alive?: (pid: number) => boolean;
  /** Background quota refresh and store sync as `startProxy` takes them (tests turn them off). */
  proxy?: { syncMs?: number; quotaRefresh?: false };
};

export type BrokerHandle = {
  url: string;
  paths: BrokerPaths;
  proxy: ProxyHandle;
  leases: LeaseTable;
  /** Resolves with why the broker stopped ("idle", "SIGTERM", …) once it has. */
  done: Promise<string>;
  /** Stops taking leases, deregisters, drains in-flight streams for up to `drainMs`, removes its files. */
  stop(reason: string, drainMs?: number): Promise<void>;
};

/**
 * The shared runtime of one (PRODEX_HOME, upstream): a proxy that serves every launch holding
 * a lease, with one pool state (selection, backoffs, health, bindings) for all of them. It
 * registers itself in the store's runtimes, keeps its admin secret in a 0600 file, and goes
 * away `graceMs` after its last lease ended. Deciding to exit happens under the same file lock
 * launches hold while they find a broker and take a lease, so none attaches to a broker that
 * is leaving.
 */
export async function startBroker(options: BrokerOptions): Promise<BrokerHandle> {
  const { ctx } = options;
  const alive = options.alive ?? pidAlive;
  const graceMs = options.graceMs ?? 5_000;
  const firstLeaseMs = options.firstLeaseMs ?? Math.max(graceMs, 10_000);
  const paths = brokerPaths(ctx.paths, options.upstream);
  const adminSecret = newSecret();
  const startedAt = ctx.now();
  let closing = false;
  let idleSince: number | null = startedAt;
  let everLeased = false;
  let url = "";
  let upstream = "";
  const rows = (fn: () => void) => {
    try {
      fn();
    } catch {
      // a busy store skips one write; `prodex cleanup` removes what a crash leaves
    }
  };
  const leases = new LeaseTable(ctx.now, {
    opened: (l) => {
      everLeased = true;
      idleSince = null;
      const { pool } = proxy.state;
      if (l.profile) pool.adoptCurrent(l.profile);
      // The refresh token this launch's Codex is about to read: its own refreshes present it.
      if (l.profile) observeLogins(proxy.state, [l.profile]);
      rows(() =>
        ctx.store.runtimes.register(
          { id: leaseRowId(l.id), kind: "proxy", pid: l.pid, url, upstream, secretPath: null },
          ctx.now(),
        ),
      );
      proxy.state.log.line("info", "lease opened", {
        lease: l.id,
        pid: l.pid,
        profile: l.profile ?? "-",
        autoRotate: l.autoRotate,
        leases: leases.size,
      });
    },
    renewed: (l) => rows(() => ctx.store.runtimes.heartbeat(leaseRowId(l.id), ctx.now())),
    ended: (l, why) => {
      if (leases.size === 0) idleSince = ctx.now();
      rows(() => ctx.store.runtimes.remove(leaseRowId(l.id)));
      proxy.state.log.line("info", "lease ended", { lease: l.id, pid: l.pid, why, leases: leases.size });
    },
  });

  writeAdminSecret(paths, adminSecret);
  const proxy = await startProxy({
    ctx,
    upstreamBase: options.upstream,
    preferred: null,
    port: options.port,
    ...options.proxy,
    broker: { leases, adminSecret, startedAt, closing: () => closing, alive },
  });
  url = proxy.url;
  upstream = proxy.state.upstreamBase;
  const rowId = brokerRowId(paths.key, process.pid);
  const register = () =>
    rows(() =>
      ctx.store.runtimes.register(
        { id: rowId, kind: "broker", pid: process.pid, url, upstream, secretPath: paths.secretFile },
        ctx.now(),
      ),
    );
  register();
  proxy.state.log.line("info", "broker started", { pid: process.pid, url, upstream, graceMs });

  let resolveDone: (reason: string) => void = () => {};
  const done = new Promise<string>((resolve) => {
    resolveDone = resolve;
  });
  let lastSweep = ctx.now();
  let deciding = false;

  const sweep = () => {
    const now = ctx.now();
    // Timers that ran this late mean the machine slept: nobody could renew, nobody is stale.
    if (now - lastSweep > LEASE_STALE_MS / 2) leases.forgive();
    lastSweep = now;
    leases.sweep(alive);
    if (leases.size > 0) {
      idleSince = null;
      return;
    }
    idleSince ??= now;
    if (now - idleSince >= (everLeased ? graceMs : firstLeaseMs)) void leaveIfIdle();
  };

  const leaveIfIdle = async () => {
    if (deciding || closing) return;
    deciding = true;
    try {
      await withFileLock(
        paths.lock,
        async () => {
          if (leases.size > 0) return; // a launch attached while we waited for the lock
          closing = true;
          deregister();
        },
        { waitMs: 5_000 },
      );
    } catch {
      // the lock stayed busy: a launch is attaching; the next sweep decides again
    } finally {
      deciding = false;
    }
    if (closing) await stop("idle", 2_000);
  };

  const deregister = () => {
    rows(() => ctx.store.runtimes.remove(rowId));
    for (const l of leases.list()) rows(() => ctx.store.runtimes.remove(leaseRowId(l.id)));
    // Only our own secret: a broker started after we deregistered may already have written its own.
    if (readAdminSecret(paths) === adminSecret) removeAdminSecret(paths);
  };

  const timers = [
    setInterval(sweep, options.sweepMs ?? Math.min(1_000, Math.max(100, graceMs / 2))),
    setInterval(register, options.registrationMs ?? 2_000),
  ];
  let stopping: Promise<void> | null = null;
  const stop = (reason: string, drainMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      closing = true;
      for (const t of timers) clearInterval(t);
      deregister();
      proxy.state.log.line("info", "broker stopping", { reason, leases: leases.size, drainMs });
      await proxy.stop({ drainMs });
      ctx.close();
      resolveDone(reason);
    })();
    return stopping;
  };

  return { url, paths, proxy, leases, done, stop };
}
