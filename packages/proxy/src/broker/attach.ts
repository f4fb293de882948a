import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { type Context, withFileLock } from "@prodex/core";
import { type LaunchEndpoints, launchEndpoints } from "../server.ts";
import type { LeaseRequest } from "./admin-schemas.ts";
import { BrokerError } from "./broker-error.ts";
import { type BrokerPaths, brokerPaths, ensureBrokerDir, readAdminSecret } from "./broker-paths.ts";
import { type BrokerRef, brokerHealth, openLease, releaseLease, renewLease } from "./broker-client.ts";
import { envMs } from "./env-ms.ts";
import { brokersFor, pidAlive } from "./registration.ts";

export type AttachOptions = {
  ctx: Context;
  upstream: string;
  /** Starts a broker for `upstream` (e.g. `prodex __broker --upstream URL`); spawned detached. */
  command: string[];
  /** The broker's environment (the launch's own). */
  env: Record<string, string | undefined>;
  lease: Omit<LeaseRequest, "pid" | "models"> & { pid?: number; models?: LeaseRequest["models"] };
  fetch?: typeof fetch;
  /** Called once if the broker stops answering heartbeats while the launch runs (and no new one could take its place). */
  onLost?: () => void;
  /** The broker died and a new one on its port re-admitted this lease (the agent's URLs work again). */
  onRevived?: (pid: number) => void;
};

export type BrokerLease = LaunchEndpoints & {
  leaseId: string;
  broker: { pid: number; url: string; started: boolean; log: string };
  /** Ends the lease (idempotent); the broker exits after its grace once no lease is left. */
  release(): Promise<void>;
};

const LOG_MAX_BYTES = 1024 * 1024;
/** PRODEX_BROKER_REVIVE values that keep a launch from restarting its crashed broker. */
const OFF = new Set(["0", "off", "false", "no"]);

/**
 * Attaches a launch to the shared broker of (PRODEX_HOME, upstream), starting one if none is
 * running, and takes a lease for it. Finding-or-starting and taking the lease happen under one
 * file lock, so two launches starting at the same instant end up on one broker. The lease is
 * renewed in the background (unref'd) until `release()`.
 */
export async function attachBroker(options: AttachOptions): Promise<BrokerLease> {
  const { ctx } = options;
  const f = options.fetch ?? fetch;
  const paths = brokerPaths(ctx.paths, options.upstream);
  const startMs = envMs(options.env.PRODEX_BROKER_START_TIMEOUT_MS, 20_000);
  const request: LeaseRequest = {
    pid: options.lease.pid ?? process.pid,
    profile: options.lease.profile,
    autoRotate: options.lease.autoRotate,
    models: options.lease.models ?? null,
  };

  const attached = await withFileLock(
    paths.lock,
    async () => {
      // A broker found alive may still fail to lease (it crashed a moment ago): then start one.
      const found = await findBroker(ctx, paths, options.upstream, f);
      if (found) {
        const answer = await openLease(found, request, f);
        if (answer.kind === "granted") return { broker: found, lease: answer.lease, started: false };
      }
      const fresh = await spawnBroker(options, paths, startMs, f);
      const answer = await openLease(fresh, request, f);
      if (answer.kind !== "granted")
        throw new BrokerError(
          `the shared proxy (pid ${fresh.pid}) refused a lease (${answer.kind === "refused" ? `HTTP ${answer.status}` : "unreachable"})`,
          `see ${paths.logFile}; or run without it: PRODEX_BROKER=0`,
        );
      return { broker: fresh, lease: answer.lease, started: true };
    },
    { waitMs: startMs + 10_000 },
  );

  const { lease, started } = attached;
  const revive = !OFF.has((options.env.PRODEX_BROKER_REVIVE ?? "").trim().toLowerCase());
  let broker = attached.broker;
  let released = false;
  let lost = false;
  let reviving = false;
  const beat = setInterval(async () => {
    if (released || reviving) return;
    const answer = await renewLease(broker, lease.id, { ...request, secret: lease.secret }, f);
    if (answer.kind === "granted" || released || lost) return;
    // Killed or crashed: a new broker on the same port takes this lease back, and the agent (still
    // retrying its URLs, which name that port) carries on. Otherwise the agent's requests fail.
    if (revive && answer.kind === "unreachable" && !pidAlive(broker.pid)) {
      reviving = true;
      const revived = await reviveBroker(
        options,
        paths,
        broker,
        { id: lease.id, secret: lease.secret, request },
        startMs,
        f,
      ).catch(() => null);
      reviving = false;
      if (revived && !released) {
        broker = revived;
        options.onRevived?.(revived.pid);
        return;
      }
    }
    lost = true;
    options.onLost?.();
  }, lease.heartbeatMs);
  beat.unref?.();

  return {
    ...launchEndpoints(broker.url, lease.secret, lease.runtimeLog),
    leaseId: lease.id,
    // A getter: after a revival the lease is held on the new broker.
    get broker() {
      return { pid: broker.pid, url: broker.url, started, log: paths.logFile };
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      await releaseLease(broker, lease.id, f);
    },
  };
}

/**
 * After the launch's broker died: under the attach lock, the broker now serving this upstream
 * (another launch may have revived it already), else, if it crashed, a new one started on the
 * dead one's port; it re-admits the lease (same id and secret). Null when none can answer there.
 */
async function reviveBroker(
  options: AttachOptions,
  paths: BrokerPaths,
  dead: BrokerRef,
  lease: { id: string; secret: string; request: LeaseRequest },
  startMs: number,
  f: typeof fetch,
): Promise<BrokerRef | null> {
  const port = new URL(dead.url).port;
  return withFileLock(
    paths.lock,
    async () => {
      // A broker stopped on purpose (SIGTERM, cleanup) deregistered first; only a crash leaves its row.
      const crashed = options.ctx.store.runtimes.list().some((r) => r.kind === "broker" && r.pid === dead.pid);
      const found = await findBroker(options.ctx, paths, options.upstream, f);
      if (!found && !crashed) return null;
      // A broker elsewhere (a newer launch started it) cannot serve an agent whose URLs name our port.
      const next =
        found ?? (await spawnBroker({ ...options, command: [...options.command, "--port", port] }, paths, startMs, f));
      if (next.url !== dead.url) return null;
      const answer = await renewLease(next, lease.id, { ...lease.request, secret: lease.secret }, f);
      return answer.kind === "granted" ? next : null;
    },
    { waitMs: startMs + 10_000 },
  );
}

/** A registered broker for `upstream` whose process lives and whose admin health answers; drops dead registrations. */
async function findBroker(
  ctx: Context,
  paths: BrokerPaths,
  upstream: string,
  f: typeof fetch,
): Promise<BrokerRef | null> {
  const rows = ctx.store.runtimes.list();
  for (const dead of rows.filter((r) => r.kind === "broker" && !pidAlive(r.pid))) {
    try {
      ctx.store.runtimes.remove(dead.id);
    } catch {
      // cleanup's job then
    }
  }
  const secret = readAdminSecret(paths);
  if (!secret) return null;
  for (const row of brokersFor(rows, upstream, pidAlive)) {
    const ref = { url: row.url, pid: row.pid, adminSecret: secret };
    if (await brokerHealth(ref, f)) return ref;
  }
  return null;
}

/** Starts a broker in its own session (the terminal's Ctrl-C is not its business) and waits for it to register. */
async function spawnBroker(
  options: AttachOptions,
  paths: BrokerPaths,
  timeoutMs: number,
  f: typeof fetch,
): Promise<BrokerRef> {
  const { ctx } = options;
  ensureBrokerDir(paths);
  const size = fileSize(paths.logFile);
  const log = openSync(paths.logFile, size > LOG_MAX_BYTES ? "w" : "a", 0o600);
  const [cmd, ...args] = options.command;
  if (!cmd) throw new BrokerError("no command to start the shared proxy with");
  let exited: string | null = null;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", log, log], env, cwd: ctx.paths.prodexHome });
  closeSync(log);
  child.on("exit", (code, signal) => {
    exited = signal ?? `exit ${code}`;
  });
  child.on("error", (error) => {
    exited = error.message;
  });
  child.unref();
  const pid = child.pid ?? 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited)
      throw new BrokerError(
        `the shared proxy exited as it started (${exited})`,
        `see ${paths.logFile}; or run without it: PRODEX_BROKER=0`,
      );
    const row = brokersFor(ctx.store.runtimes.list(), options.upstream, (p) => p === pid && pidAlive(p))[0];
    const secret = row ? readAdminSecret(paths) : null;
    if (row && secret) {
      const ref = { url: row.url, pid: row.pid, adminSecret: secret };
      if (await brokerHealth(ref, f)) return ref;
    }
    await Bun.sleep(50);
  }
  try {
    if (pid) process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
  throw new BrokerError(
    `the shared proxy did not start within ${Math.round(timeoutMs / 1000)}s`,
    `see ${paths.logFile}${tail(paths.logFile)}; or run without it: PRODEX_BROKER=0`,
  );
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The log's last line, so the one error line says what went wrong when it can. */
function tail(path: string): string {
  try {
    const last = readFileSync(path, "utf8").trim().split("\n").at(-1)?.trim();
    return last ? ` (last line: ${last.slice(0, 200)})` : "";
  } catch {
    return "";
  }
}
