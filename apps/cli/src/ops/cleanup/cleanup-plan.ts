// What `prodex cleanup` removes, decided from a scan (pure; the command does the deleting).

export const LOG_MAX_AGE_MS = 7 * 86_400_000;
export const LOG_KEEP_NEWEST = 40;
export const LOGIN_HOME_MAX_AGE_MS = 86_400_000;
/** A broker writes its secret as it starts, before it registers: younger files may be one starting. */
export const BROKER_FILE_MIN_AGE_MS = 60_000;

export type LogFile = { path: string; mtimeMs: number; bytes: number; pid: number | null; pidAlive: boolean };
export type LoginHome = { path: string; mtimeMs: number };
export type Registration = { id: string; kind: string; pid: number; alive: boolean };
export type OrphanHome = { path: string; name: string; hasAuth: boolean };
/** A shared proxy's admin secret or log under `$PRODEX_HOME/broker`; `live`: a running broker owns it. */
export type BrokerFile = { path: string; mtimeMs: number; bytes: number; live: boolean };

export type CleanupScan = {
  now: number;
  logs: LogFile[];
  /** The file `prodex-runtime-latest.path` names: never removed. */
  latestLog: string | null;
  loginHomes: LoginHome[];
  runtimes: Registration[];
  orphans: OrphanHome[];
  brokerFiles: BrokerFile[];
};

export type ActionKind = "runtime-log" | "login-home" | "runtime" | "orphan-home" | "broker-file";
export type Action = { kind: ActionKind; target: string; reason: string; bytes: number | null; remove: boolean };

/** `prodex-runtime-<time>-<pid>.log` → pid. */
export function logPid(name: string): number | null {
  const m = /^prodex-runtime-.*-(\d+)\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

const days = (ms: number) => `${Math.floor(ms / 86_400_000)} days`;

export function planCleanup(scan: CleanupScan, options: { force: boolean }): Action[] {
  const actions: Action[] = [];
  const logs = [...scan.logs].sort((a, b) => b.mtimeMs - a.mtimeMs);
  logs.forEach((log, i) => {
    if (log.path === scan.latestLog || log.pidAlive) return;
    const age = scan.now - log.mtimeMs;
    if (age > LOG_MAX_AGE_MS)
      actions.push({
        kind: "runtime-log",
        target: log.path,
        reason: `older than 7 days (${days(age)})`,
        bytes: log.bytes,
        remove: true,
      });
    else if (i >= LOG_KEEP_NEWEST)
      actions.push({
        kind: "runtime-log",
        target: log.path,
        reason: `beyond the ${LOG_KEEP_NEWEST} newest`,
        bytes: log.bytes,
        remove: true,
      });
  });
  for (const home of scan.loginHomes) {
    if (scan.now - home.mtimeMs > LOGIN_HOME_MAX_AGE_MS)
      actions.push({
        kind: "login-home",
        target: home.path,
        reason: "leftover temporary login home, older than a day",
        bytes: null,
        remove: true,
      });
  }
  for (const r of scan.runtimes) {
    if (!r.alive)
      actions.push({
        kind: "runtime",
        target: r.id,
        reason: `registered ${r.kind} whose process (pid ${r.pid}) is gone`,
        bytes: null,
        remove: true,
      });
  }
  for (const f of scan.brokerFiles) {
    if (f.live || scan.now - f.mtimeMs < BROKER_FILE_MIN_AGE_MS) continue;
    actions.push({
      kind: "broker-file",
      target: f.path,
      reason: "left by a shared proxy that is no longer running",
      bytes: f.bytes,
      remove: true,
    });
  }
  for (const o of scan.orphans) {
    if (!o.hasAuth)
      actions.push({
        kind: "orphan-home",
        target: o.path,
        reason: "managed home with no profile",
        bytes: null,
        remove: true,
      });
    else if (options.force)
      actions.push({
        kind: "orphan-home",
        target: o.path,
        reason: "managed home with no profile, holding a login (--force)",
        bytes: null,
        remove: true,
      });
    else {
      actions.push({
        kind: "orphan-home",
        target: o.path,
        reason: `holds a login (auth.json) but no profile uses it; keep it with: prodex profile add ${o.name} --codex-home ${o.path} — or delete it with --force`,
        bytes: null,
        remove: false,
      });
    }
  }
  return actions;
}
