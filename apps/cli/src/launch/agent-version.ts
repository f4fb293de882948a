import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type Agent, type AgentBin, TESTED, resolveAgentBin } from "./agent-bin.ts";
import { probeVersion, versionFromInstall } from "./package-version.ts";

export type AgentInfo = {
  agent: Agent;
  found: boolean;
  path: string | null;
  source: AgentBin["source"] | null;
  version: string | null;
  tested: string;
};

type CacheEntry = { size: number; mtimeMs: number; version: string };
type Cache = Record<string, CacheEntry>;

/** `$PRODEX_HOME/cache/agent-versions.json`: versions we had to run an agent for, keyed by its real path. */
export function versionCachePath(env: Record<string, string | undefined>): string {
  return join(resolve(env.PRODEX_HOME || join(env.HOME || homedir(), ".prodex")), "cache", "agent-versions.json");
}

function isEntry(v: unknown): v is CacheEntry {
  return (
    typeof v === "object" &&
    v !== null &&
    "size" in v &&
    typeof v.size === "number" &&
    "mtimeMs" in v &&
    typeof v.mtimeMs === "number" &&
    "version" in v &&
    typeof v.version === "string"
  );
}

/** The cache file, keeping only well-formed entries (checked by hand: zod would slow --version down). */
function readCache(path: string): Cache {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return {};
  }
  const out: Cache = {};
  if (typeof json !== "object" || json === null) return out;
  for (const [k, v] of Object.entries(json)) if (isEntry(v)) out[k] = v;
  return out;
}

function fingerprint(path: string): { real: string; size: number; mtimeMs: number } | null {
  try {
    const real = realpathSync(path);
    const s = statSync(real);
    return { real, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Both agents' versions, in parallel: from the package they came from, else the cache, else by
 * running `--version` (bounded by `timeoutMs`) and caching the answer for next time.
 */
export async function agentVersions(env: Record<string, string | undefined>, timeoutMs = 2_000): Promise<AgentInfo[]> {
  const cachePath = versionCachePath(env);
  let cache: Cache | null = null;
  let dirty = false;
  const one = async (agent: Agent): Promise<AgentInfo> => {
    const bin = resolveAgentBin(agent, env);
    const info: AgentInfo = { agent, found: false, path: null, source: null, version: null, tested: TESTED[agent] };
    if (!bin) return info;
    const print = fingerprint(bin.path);
    Object.assign(info, { found: print !== null, path: bin.path, source: bin.source });
    if (!print) return info;
    info.version = versionFromInstall(bin.path);
    if (info.version) return info;
    cache ??= readCache(cachePath);
    const hit = cache[print.real];
    if (hit && hit.size === print.size && hit.mtimeMs === print.mtimeMs) {
      info.version = hit.version;
      return info;
    }
    info.version = await probeVersion(bin.path, timeoutMs);
    if (info.version) {
      cache[print.real] = { size: print.size, mtimeMs: print.mtimeMs, version: info.version };
      dirty = true;
    }
    return info;
  };
  const out = await Promise.all((["codex", "claude"] as const).map(one));
  if (dirty && cache) {
    try {
      mkdirSync(dirname(cachePath), { recursive: true, mode: 0o700 });
      // Not via @prodex/core: `--version` must not load the domain (and this is no secret).
      const tmp = `${cachePath}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(cache)}\n`, { mode: 0o600 });
      renameSync(tmp, cachePath);
    } catch {
      // A read-only home only costs the next --version another probe.
    }
  }
  return out;
}
