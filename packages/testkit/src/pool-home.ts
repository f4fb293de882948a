import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, addProfile, writeAuth } from "@prodex/core";
import { type MockAccountInit, type MockBackend, prodexEnv } from "@prodex/mock";

export type PoolHome = {
  /** The temp directory everything lives in (the caller removes it). */
  dir: string;
  /** PATH and `prodexEnv` (everything under `dir`, every upstream the mock), plus `options.env`. */
  env: Record<string, string>;
  /** Profile name for each mock account, in order: p1, p2, … */
  names: string[];
};

export type PoolHomeOptions = {
  /** Temp directory prefix, so a leftover says which suite left it. */
  prefix: string;
  /** Added to (or overriding) the base environment; a function gets the temp directory. */
  env?: Record<string, string> | ((dir: string) => Record<string, string>);
  /** Runs on the finished environment before any profile is added (files profiles start from). */
  prepare?: (env: Record<string, string>) => void;
  /** Accounts whose login is about to expire (the first use refreshes it). */
  expiring?: string[];
};

/**
 * A temp PRODEX_HOME with one managed profile per mock account, each logged in with the mock's
 * tokens. The isolated environment every proxy, broker, fault and e2e test starts from: nothing
 * here reads or writes process.env or the user's files.
 */
export function poolHome(mock: MockBackend, accounts: MockAccountInit[], options: PoolHomeOptions): PoolHome {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...prodexEnv(mock, dir),
    ...(typeof options.env === "function" ? options.env(dir) : options.env),
  };
  options.prepare?.(env);
  const ctx = new Context({ env, source: "test-setup" });
  try {
    const names = accounts.map((a, i) => {
      const name = `p${i + 1}`;
      const row = addProfile(ctx, { name });
      writeAuth(
        row.codexHome,
        mock.authFile(a.id, options.expiring?.includes(a.id) ? { expiresInSeconds: 60 } : undefined),
      );
      ctx.store.profiles.update(name, { accountId: a.id });
      return name;
    });
    return { dir, env, names };
  } finally {
    ctx.close();
  }
}
