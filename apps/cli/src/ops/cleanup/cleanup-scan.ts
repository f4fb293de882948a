import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Context, LOGIN_HOME_PREFIX, loginHomesDir, notOwnFile } from "@prodex/core";
import { pidAlive } from "../runtime-registry.ts";
import { type BrokerFile, type CleanupScan, type LogFile, logPid } from "./cleanup-plan.ts";

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function stat(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Runtime logs this user owns in the (possibly shared) runtime log directory. */
export function scanRuntimeLogs(dir: string): LogFile[] {
  const uid = process.getuid?.();
  const out: LogFile[] = [];
  for (const name of entries(dir)) {
    if (!/^prodex-runtime-.*\.log$/.test(name)) continue;
    const path = join(dir, name);
    const s = stat(path);
    if (!s?.isFile() || (uid !== undefined && s.uid !== uid)) continue;
    const pid = logPid(name);
    out.push({
      path,
      mtimeMs: s.mtimeMs,
      bytes: s.size,
      pid,
      pidAlive: pid !== null && pid !== process.pid && pidAlive(pid),
    });
  }
  return out;
}

/** The log the pointer names, when the pointer is our own file (another user's pointer names nothing of ours). */
export function latestLogTarget(pointer: string): string | null {
  if (notOwnFile(pointer)) return null;
  try {
    return readFileSync(pointer, "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** Dirs under `$PRODEX_HOME/profiles` that no profile row points at. */
export function scanOrphans(ctx: Context): CleanupScan["orphans"] {
  const known = new Set(ctx.store.profiles.list().map((p) => resolve(p.codexHome)));
  return entries(ctx.paths.profilesDir)
    .map((name) => ({ name, path: join(ctx.paths.profilesDir, name) }))
    .filter((d) => stat(d.path)?.isDirectory() && !known.has(resolve(d.path)))
    .map((d) => ({ ...d, hasAuth: existsSync(join(d.path, "auth.json")) }));
}

/** `$PRODEX_HOME/broker/<key>.secret|.log`; live when a registered broker with a running pid has that key. */
export function scanBrokerFiles(ctx: Context): BrokerFile[] {
  const dir = join(ctx.paths.prodexHome, "broker");
  const liveKeys = new Set(
    ctx.store.runtimes
      .list()
      .filter((r) => r.kind === "broker" && r.secretPath && pidAlive(r.pid))
      .map((r) => keyOf(r.secretPath ?? "")),
  );
  const out: BrokerFile[] = [];
  for (const name of entries(dir)) {
    if (!/\.(secret|log)$/.test(name)) continue;
    const path = join(dir, name);
    const s = stat(path);
    if (!s?.isFile()) continue;
    out.push({ path, mtimeMs: s.mtimeMs, bytes: s.size, live: liveKeys.has(keyOf(name)) });
  }
  return out;
}

const keyOf = (path: string): string => (path.split("/").at(-1) ?? "").replace(/\.(secret|log)$/, "");

export function scanCleanup(ctx: Context): CleanupScan {
  const tmp = loginHomesDir(ctx);
  return {
    now: ctx.now(),
    logs: scanRuntimeLogs(ctx.paths.runtimeLogDir),
    latestLog: latestLogTarget(ctx.paths.runtimeLogPointer),
    loginHomes: entries(tmp)
      .filter((n) => n.startsWith(LOGIN_HOME_PREFIX))
      .map((n) => ({ path: join(tmp, n), s: stat(join(tmp, n)) }))
      .filter((h) => h.s?.isDirectory())
      .map((h) => ({ path: h.path, mtimeMs: h.s?.mtimeMs ?? 0 })),
    runtimes: ctx.store.runtimes.list().map((r) => ({ id: r.id, kind: r.kind, pid: r.pid, alive: pidAlive(r.pid) })),
    orphans: scanOrphans(ctx),
    brokerFiles: scanBrokerFiles(ctx),
  };
}
