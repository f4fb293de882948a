import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { TokenVault, parseSecretKey } from "../src/index.ts";
import { codexTurn, gatewayWorld, pgDataDump, prodexCli, until } from "./gateway-world.ts";

// Secret-key rotation while two instances on one real PostgreSQL keep serving and refreshing: each instance reads
// its own key file; rotate-key refuses while a live instance lacks the new key, then re-seals every row.
const cluster = usePgCluster();
const CLI = join(import.meta.dir, "../../../apps/cli/src/main.ts");

const newKey = () => randomBytes(32).toString("base64");
const idOf = (key: string) => parseSecretKey(key, "test").id;

describe("secret-key rotation without restarting instances", () => {
  test("refused while an instance lacks the new key; then rotated under load: both keep serving and refreshing, every row sealed by the new key, no token in pg_dump", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    const dir = mkdtempSync(join(tmpdir(), "prodex-key-rotation-"));
    const keyFile = (name: string, ...keys: string[]) => {
      const file = join(dir, name);
      writeFileSync(file, `# newest first\n${keys.join("\n")}\n`);
      chmodSync(file, 0o600);
      return file;
    };
    try {
      const old = w.env.PRODEX_GATEWAY_SECRET_KEY ?? "";
      const next = newKey();
      const fileA = keyFile("a", old);
      const fileB = keyFile("b", old);
      const fromFile = (file: string) => ({ PRODEX_GATEWAY_SECRET_KEY: "", PRODEX_GATEWAY_SECRET_KEY_FILE: file });
      const a = await w.start(fromFile(fileA));
      const b = await w.start(fromFile(fileB));
      const rotate = (file: string) =>
        prodexCli({ ...w.env, ...fromFile(file), PRODEX_DATABASE_URL: w.url }, ["gateway", "rotate-key", "--json"]);
      const sealedWith = async () => new Set((await w.store.accounts.list()).map((r) => r.keyId));

      // The new key in place of the current one (not above it): one line saying both are needed.
      const replaced = keyFile("replaced", next);
      const lost = await rotate(replaced);
      expect(lost.code).toBe(4);
      expect(lost.stderr).toContain(`is not the one the database's tokens are sealed with (id ${idOf(old)})`);
      expect(lost.stderr).toContain("rotate-key needs both: the new key on the first line");

      // Only A's file holds the new key: refused, naming B, nothing changed.
      keyFile("a", next, old);
      const refused = await rotate(fileA);
      expect(refused.code).toBe(4);
      expect(refused.stderr.split("\n").filter(Boolean).length).toBe(2); // the line and its hint
      expect(refused.stderr).toContain(`${b.instance} on `);
      expect(refused.stderr).toContain("does not hold it (its key file lacks it)");
      expect(refused.stderr).not.toContain(a.instance);
      expect(await sealedWith()).toEqual(new Set([idOf(old)]));

      // An instance started with the key in the environment cannot re-read it: refused, naming it.
      const c = await w.start({ PRODEX_GATEWAY_SECRET_KEY: old });
      keyFile("b", next, old);
      const envOnly = await rotate(fileA);
      expect(envOnly.code).toBe(4);
      expect(envOnly.stderr).toContain(`${c.instance} on `);
      expect(envOnly.stderr).toContain("was started with PRODEX_GATEWAY_SECRET_KEY, which cannot be re-read");
      expect(envOnly.stderr).not.toContain(b.instance);
      await c.stop();
      w.instances.splice(w.instances.indexOf(c), 1);

      // Both files hold the new key on top: rotate under load, tokens refreshed on both instances meanwhile.
      let served = 0;
      const failures: string[] = [];
      let loading = true;
      const load = (async () => {
        for (let i = 0; loading; i++) {
          if (i % 5 === 0) for (const acct of ["acct-a", "acct-b"]) w.mock.fault(acct, { kind: "unauthorized" });
          const rs = await Promise.all([codexTurn(a.url, w.key), codexTurn(b.url, w.key)]);
          for (const r of rs) r.status === 200 ? served++ : failures.push(`${r.status} ${r.text.slice(0, 200)}`);
        }
      })();
      await Bun.sleep(300);
      const refreshesBefore = w.mock.refreshCalls();
      const rotated = await rotate(fileA);
      expect(rotated.stderr).toBe("");
      expect(JSON.parse(rotated.stdout)).toMatchObject({ from: idOf(old), to: idOf(next), accounts: 2, instances: 2 });
      await Bun.sleep(500);
      loading = false;
      await load;
      expect(failures).toEqual([]);
      expect(served).toBeGreaterThan(10);
      expect(w.mock.refreshCalls()).toBeGreaterThan(refreshesBefore);

      // Every row is sealed by the new key, also those refreshed after the rotation; both instances seal with it.
      expect(await sealedWith()).toEqual(new Set([idOf(next)]));
      // The old key leaves the files; SIGHUP's reload: both keep serving and refreshing on the new key alone.
      keyFile("a", next);
      keyFile("b", next);
      expect(await a.reloadKeys()).toEqual([idOf(next)]);
      expect(await b.reloadKeys()).toEqual([idOf(next)]);
      const before = w.mock.refreshCalls();
      for (const g of [a, b]) {
        w.mock.fault("acct-a", { kind: "unauthorized" });
        w.mock.fault("acct-b", { kind: "unauthorized" });
        expect((await codexTurn(g.url, w.key)).status).toBe(200);
      }
      expect(w.mock.refreshCalls()).toBeGreaterThan(before);
      expect(await sealedWith()).toEqual(new Set([idOf(next)]));
      for (const g of [a, b]) expect(g.ready()).toEqual({ ready: true });

      // A file without the current key is refused on reload; the keys held before stay and serving goes on.
      keyFile("a", newKey());
      await expect(a.reloadKeys()).rejects.toThrow(
        `${join(dir, "a")} (PRODEX_GATEWAY_SECRET_KEY_FILE) does not hold the current gateway secret key (id ${idOf(next)})`,
      );
      expect((await codexTurn(a.url, w.key)).status).toBe(200);

      // The audit trail says who rotated; a dump of the database holds no token.
      const audit = (await w.store.events.since(0, 1_000)).filter((e) => e.kind === "audit");
      expect(audit.map((e) => e.message).join("\n")).toContain(`${idOf(old)} → ${idOf(next)}`);
      const dump = pgDataDump(w.url);
      const tokens = ["acct-a", "acct-b"].flatMap((id) => {
        const t = w.mock.accounts().find((x) => x.id === id)?.tokens;
        return [...(t?.access ?? []), ...(t?.refresh ?? [])];
      });
      expect(tokens.length).toBeGreaterThan(0);
      for (const t of tokens) expect(dump).not.toContain(t);
      expect(dump).not.toContain(old);
      expect(dump).not.toContain(next);
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test("`prodex gateway serve` re-reads its key file on SIGHUP: one line for what it holds, one for a file it refuses", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    const dir = mkdtempSync(join(tmpdir(), "prodex-key-hup-"));
    const file = join(dir, "key");
    const write = (...keys: string[]) => {
      writeFileSync(file, `${keys.join("\n")}\n`);
      chmodSync(file, 0o600);
    };
    const old = w.env.PRODEX_GATEWAY_SECRET_KEY ?? "";
    write(old);
    const env = {
      ...w.env,
      PRODEX_GATEWAY_SECRET_KEY: "",
      PRODEX_GATEWAY_SECRET_KEY_FILE: file,
      CODEX_CHATGPT_BASE_URL: w.mock.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: w.mock.refreshUrl,
    };
    const proc = Bun.spawn(
      ["bun", CLI, "gateway", "serve", "--listen", "127.0.0.1:0", "--json", "--database-url", w.url],
      { env, stdout: "pipe", stderr: "pipe" },
    );
    try {
      const out = (proc.stdout as ReadableStream<Uint8Array>).getReader();
      const first = new TextDecoder().decode((await out.read()).value);
      const instance = (JSON.parse(first.split("\n")[0] ?? "{}") as { instance: string }).instance;
      const err = (proc.stderr as ReadableStream<Uint8Array>).getReader();
      const nextLine = async () => new TextDecoder().decode((await err.read()).value).trim();
      const next = newKey();
      write(next, old);
      proc.kill("SIGHUP");
      expect(await nextLine()).toBe(
        `prodex: SIGHUP: gateway ${instance} holds secret key(s) ${idOf(next)}, ${idOf(old)}`,
      );
      write(next);
      proc.kill("SIGHUP");
      const refused = await nextLine();
      expect(refused).toContain(
        `SIGHUP: ${file} (PRODEX_GATEWAY_SECRET_KEY_FILE) does not hold the current gateway secret key (id ${idOf(old)}): kept the keys held before`,
      );
      expect(refused.split("\n").length).toBe(1);
      expect(proc.exitCode).toBeNull();
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("an instance that learns of a current key it does not hold says so on /readyz, keeps serving, and recovers on reload", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    const dir = mkdtempSync(join(tmpdir(), "prodex-key-behind-"));
    try {
      const old = w.env.PRODEX_GATEWAY_SECRET_KEY ?? "";
      const next = newKey();
      const file = join(dir, "key");
      writeFileSync(file, `${old}\n`);
      chmodSync(file, 0o600);
      const g = await w.start({ PRODEX_GATEWAY_SECRET_KEY: "", PRODEX_GATEWAY_SECRET_KEY_FILE: file });
      // A rotation that did not ask the instances (the vault's own call, as an older prodex did it).
      const vault = await TokenVault.open(w.store, [parseSecretKey(old, "old"), parseSecretKey(next, "next")]);
      await vault.rotate(parseSecretKey(next, "next"));
      await w.store.notify({ t: "secret-key", id: idOf(next) });
      await until("not ready", async () => (await fetch(`${g.url}/readyz`)).status === 503, 5_000);
      const ready = (await (await fetch(`${g.url}/readyz`)).json()) as { reason: string };
      expect(ready.reason).toBe(
        `the database's gateway secret key is now id ${idOf(next)}, which this instance does not hold (it holds ${idOf(old)})`,
      );
      // Tokens it opened before still serve; the key file gets the new key and a reload brings it back.
      expect((await codexTurn(g.url, w.key)).status).toBe(200);
      writeFileSync(file, `${next}\n${old}\n`);
      expect(await g.reloadKeys()).toEqual([idOf(next), idOf(old)]);
      expect((await fetch(`${g.url}/readyz`)).status).toBe(200);
      w.mock.fault("acct-a", { kind: "unauthorized" });
      expect((await codexTurn(g.url, w.key)).status).toBe(200);
      expect(new Set((await w.store.accounts.list()).map((r) => r.keyId))).toEqual(new Set([idOf(next)]));
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
