import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { type MockBackend, createMockBackend } from "@prodex/mock";
import { type PgCluster, startPgCluster } from "@prodex/testkit/pg-cluster";
import { pgDataDump } from "./gateway-world.ts";

// `prodex gateway migrate | key | account | rotate-key` as subprocesses against a real PostgreSQL server.
const CLI = resolve(import.meta.dir, "../../../apps/cli/src/main.ts");
let pg: PgCluster;
let mock: MockBackend;
let dir: string;
beforeAll(async () => {
  pg = await startPgCluster();
  mock = await createMockBackend({ accounts: [{ id: "acct-a" }, { id: "acct-b" }] });
  dir = mkdtempSync(join(tmpdir(), "prodex-gw-admin-"));
}, 60_000);
afterAll(async () => {
  await mock?.stop();
  await pg?.close();
  rmSync(dir, { recursive: true, force: true });
});

const newKey = () => randomBytes(32).toString("base64");
let n = 0;

async function world() {
  const url = await pg.database(`admin_${++n}`);
  const home = join(dir, `w${n}`);
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    PRODEX_HOME: join(home, "prodex"),
    NO_COLOR: "1",
    PRODEX_DATABASE_URL: url,
    PRODEX_GATEWAY_SECRET_KEY: newKey(),
  };
  const prodex = async (args: string[], extra: Record<string, string> = {}) => {
    const proc = Bun.spawn(["bun", CLI, "gateway", ...args], {
      env: { ...env, ...extra },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  };
  const codexHome = (account: string) => {
    const h = join(home, `codex-${account}`);
    mkdirSync(h, { recursive: true });
    writeFileSync(join(h, "auth.json"), JSON.stringify(mock.authFile(account)));
    return h;
  };
  return { url, env, prodex, codexHome };
}

describe("prodex gateway admin commands", () => {
  test("migrate twice at once from two processes: both succeed, one applies; then a no-op", async () => {
    const w = await world();
    const [a, b] = await Promise.all([w.prodex(["migrate", "--json"]), w.prodex(["migrate", "--json"])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const applied = [JSON.parse(a.stdout).applied.length, JSON.parse(b.stdout).applied.length].sort();
    expect(applied[0]).toBe(0);
    expect(applied[1]).toBeGreaterThan(0);
    const again = await w.prodex(["migrate"]);
    expect(again.stdout.trim()).toBe("schema already current; nothing to do");
  }, 30_000);

  test("commands on an unmigrated database say so in one line and change nothing", async () => {
    const w = await world();
    const r = await w.prodex(["key", "list"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("has no gateway schema yet");
    expect(r.stderr).toContain("prodex gateway migrate");
    expect(r.stderr.split("\n").filter(Boolean).length).toBe(2);
  }, 30_000);

  test("no database, a bad URL, an unreachable server: one clear line each", async () => {
    const w = await world();
    const none = await w.prodex(["key", "list"], { PRODEX_DATABASE_URL: "" });
    expect(none.stderr).toContain("no gateway database given");
    const bad = await w.prodex(["key", "list", "--database-url", "mysql://x@y/z"]);
    expect(bad.stderr).toContain("must be a postgres:// URL");
    const down = await w.prodex(["key", "list", "--database-url", "postgres://u:secretpw@127.0.0.1:1/x"]);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain("cannot reach PostgreSQL");
    expect(down.stderr).not.toContain("secretpw");
    for (const r of [none, bad, down]) expect(r.stderr).not.toContain("    at ");
  }, 30_000);

  test("keys: created once (only a hash stored), listed without the key, revoked", async () => {
    const w = await world();
    await w.prodex(["migrate"]);
    const created = await w.prodex(["key", "create", "alice", "--role", "admin", "--json"]);
    expect(created.code).toBe(0);
    const { key, role } = JSON.parse(created.stdout);
    expect(role).toBe("admin");
    expect(key).toMatch(/^pdxgw_[A-Za-z0-9_-]{43}$/);
    expect((await w.prodex(["key", "create", "alice"])).stderr).toContain('a gateway key named "alice" already exists');
    expect((await w.prodex(["key", "create", "bob", "--role", "root"])).stderr).toContain(
      "--role must be one of user, viewer, admin",
    );
    const list = JSON.parse((await w.prodex(["key", "list", "--json"])).stdout);
    expect(list.keys.map((k: { name: string }) => k.name)).toEqual(["alice"]);
    expect(JSON.stringify(list)).not.toContain(key);
    expect(pgDataDump(w.url)).not.toContain(key);
    expect((await w.prodex(["key", "revoke", "alice"])).code).toBe(0);
    expect((await w.prodex(["key", "revoke", "alice"])).stderr).toContain('no live gateway key named "alice"');
    expect(JSON.parse((await w.prodex(["key", "list", "--json"])).stdout).keys[0].revokedAt).toBeNumber();
  }, 30_000);

  test("accounts: added sealed, listed without tokens, a dump holds no token, removed", async () => {
    const w = await world();
    await w.prodex(["migrate"]);
    const added = await w.prodex(["account", "add", "a", "--copy-from", w.codexHome("acct-a"), "--json"]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout).account.accountId).toBe("acct-a");
    expect((await w.prodex(["account", "add", "a2", "--copy-from", w.codexHome("acct-a")])).stderr).toContain(
      "this ChatGPT account",
    );
    expect((await w.prodex(["account", "add", "x"])).stderr).toContain(
      "give exactly one of --copy-from DIR or --from-profile P",
    );
    expect((await w.prodex(["account", "add", "x", "--copy-from", join(dir, "nowhere")])).stderr).toContain(
      "cannot read",
    );
    await w.prodex(["account", "add", "b", "--copy-from", w.codexHome("acct-b")]);
    const list = JSON.parse((await w.prodex(["account", "list", "--json"])).stdout);
    expect(list.accounts.map((a: { name: string }) => a.name)).toEqual(["a", "b"]);
    const tokens = mock.authFile("acct-a").tokens;
    const dump = pgDataDump(w.url);
    for (const t of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
      expect(JSON.stringify(list)).not.toContain(t);
      expect(dump).not.toContain(t);
      // Not even a recognisable piece of one (a JWT's payload segment).
      expect(dump).not.toContain(t.split(".")[1] ?? t);
    }
    expect((await w.prodex(["account", "remove", "b"])).code).toBe(0);
    expect((await w.prodex(["account", "remove", "b"])).stderr).toContain('no account named "b"');
  }, 30_000);

  test("a wrong secret key: one clear line, nothing written; rotate-key moves every token to the new key", async () => {
    const w = await world();
    await w.prodex(["migrate"]);
    await w.prodex(["account", "add", "a", "--copy-from", w.codexHome("acct-a")]);
    const before = pgDataDump(w.url);
    const wrong = await w.prodex(["account", "add", "b", "--copy-from", w.codexHome("acct-b")], {
      PRODEX_GATEWAY_SECRET_KEY: newKey(),
    });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("is not the one the database's tokens are sealed with");
    expect(pgDataDump(w.url)).toBe(before);
    const short = await w.prodex(["account", "list"], { PRODEX_GATEWAY_SECRET_KEY: "c2hvcnQ=" });
    expect(short.code).toBe(0); // listing needs no key
    const badKey = await w.prodex(["account", "add", "b", "--copy-from", w.codexHome("acct-b")], {
      PRODEX_GATEWAY_SECRET_KEY: "c2hvcnQ=",
    });
    expect(badKey.stderr).toContain("PRODEX_GATEWAY_SECRET_KEY is not base64 of 32 bytes");

    // The key from a file: 0600 or refused.
    const file = join(dir, `key-${n}`);
    const next = newKey();
    writeFileSync(file, `${next}\n`);
    chmodSync(file, 0o644);
    const loose = await w.prodex(["rotate-key"], { PRODEX_GATEWAY_NEW_SECRET_KEY_FILE: file });
    expect(loose.stderr).toContain("is readable by others");
    chmodSync(file, 0o600);
    const rotated = await w.prodex(["rotate-key", "--json"], { PRODEX_GATEWAY_NEW_SECRET_KEY_FILE: file });
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout).accounts).toBe(1);
    const old = await w.prodex(["account", "add", "b", "--copy-from", w.codexHome("acct-b")]);
    expect(old.stderr).toContain("is not the one the database's tokens are sealed with");
    const withNew = await w.prodex(["account", "add", "b", "--copy-from", w.codexHome("acct-b")], {
      PRODEX_GATEWAY_SECRET_KEY: "",
      PRODEX_GATEWAY_SECRET_KEY_FILE: file,
    });
    expect(withNew.code).toBe(0);
  }, 30_000);
});
