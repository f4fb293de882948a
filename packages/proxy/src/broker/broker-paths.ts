import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Paths, writeFileAtomic } from "@prodex/core";

/** One broker per (PRODEX_HOME, upstream): the same upstream however it was spelled. */
export function normalizeUpstream(upstream: string): string {
  const trimmed = upstream.trim().replace(/\/+$/, "");
  try {
    const u = new URL(trimmed);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}${u.search}`;
  } catch {
    return trimmed;
  }
}

/** A short stable name for an upstream (file names, lock, registration id). */
export function brokerKey(upstream: string): string {
  return createHash("sha256").update(normalizeUpstream(upstream)).digest("hex").slice(0, 16);
}

export type BrokerPaths = {
  key: string;
  /** `$PRODEX_HOME/broker` (0700). */
  dir: string;
  /** The admin secret (0600); its path is in the registration, the secret never is. */
  secretFile: string;
  /** The broker process's own stdout/stderr (crashes before its runtime log opens). */
  logFile: string;
  /** Serialises find-or-start and the broker's decision to exit (`withFileLock` adds `.lock`). */
  lock: string;
};

export function brokerPaths(paths: Pick<Paths, "prodexHome" | "locksDir">, upstream: string): BrokerPaths {
  const key = brokerKey(upstream);
  const dir = join(paths.prodexHome, "broker");
  return {
    key,
    dir,
    secretFile: join(dir, `${key}.secret`),
    logFile: join(dir, `${key}.log`),
    lock: join(paths.locksDir, `broker-${key}`),
  };
}

/** The broker dir, readable only by the user whatever the umask (or an older mode) says. */
export function ensureBrokerDir(p: BrokerPaths): void {
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  chmodSync(p.dir, 0o700);
}

export function writeAdminSecret(p: BrokerPaths, secret: string): void {
  ensureBrokerDir(p);
  writeFileAtomic(p.secretFile, secret, 0o600);
}

export function readAdminSecret(p: BrokerPaths): string | null {
  try {
    const text = readFileSync(p.secretFile, "utf8").trim();
    return text || null;
  } catch {
    return null;
  }
}

export function removeAdminSecret(p: BrokerPaths): void {
  rmSync(p.secretFile, { force: true });
}
