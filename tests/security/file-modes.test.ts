import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context, readAuth, writeAuth } from "@prodex/core";
import { type CliEnv, cliEnv } from "@prodex/testkit/cli-env";
import { FAKE_CODEX, mode } from "./security-helpers.ts";

// Logins and the database are private to the user: auth.json, bundles and prodex.db (+ -wal, -shm)
// are 0600, PRODEX_HOME and every profile home 0700 — after each way prodex writes them, even when
// the file it replaces (or copies from) was world-readable.

let w: CliEnv | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const T = 120_000;

function ok(r: { code: number; stdout: string; stderr: string }, what: string): void {
  expect(r.code, `${what}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
}

/** A file others can read, as a user's own `cp` or editor would leave it. */
function openFile(path: string, text: string): string {
  writeFileSync(path, text);
  chmodSync(path, 0o644);
  return path;
}

describe("file modes", () => {
  test(
    "profile add, login (new and existing profile), token refresh, profile import and export",
    async () => {
      w = await cliEnv([{ id: "acct-a" }, { id: "acct-b" }]);
      const world = w;
      const home = world.env.PRODEX_HOME as string;
      const profile = (name: string) => join(home, "profiles", name);
      for (const id of ["acct-login", "acct-update", "acct-bundle"])
        world.mock.addAccount({ id, email: `${id}@example.com` });
      const env = { PRODEX_CODEX_BIN: FAKE_CODEX };

      // profile add: an empty managed home.
      ok(await world.prodex(["profile", "add", "spare"]), "profile add");
      expect(mode(profile("spare"))).toBe("0700");

      // login: the fake `codex login` copies a 0644 file; prodex's copy is private.
      const login = openFile(join(world.dir, "login.json"), JSON.stringify(world.mock.authFile("acct-login")));
      ok(await world.prodex(["login"], { env: { ...env, FAKE_CODEX_AUTH: login } }), "login (new profile)");
      expect(mode(join(profile("acct-login"), "auth.json"))).toBe("0600");
      expect(mode(profile("acct-login"))).toBe("0700");
      const update = openFile(join(world.dir, "update.json"), JSON.stringify(world.mock.authFile("acct-update")));
      ok(
        await world.prodex(["login", "-p", "spare"], { env: { ...env, FAKE_CODEX_AUTH: update } }),
        "login -p (existing profile)",
      );
      expect(mode(join(profile("spare"), "auth.json"))).toBe("0600");

      // Token refresh: p1's token is about to expire and its file was left 0644; `quota` refreshes it.
      const p1 = profile("p1");
      writeAuth(p1, world.mock.authFile("acct-a", { expiresInSeconds: 60 }));
      chmodSync(join(p1, "auth.json"), 0o644);
      const before = readAuth(p1);
      ok(await world.prodex(["quota", "-p", "p1", "--json"]), "quota (refresh)");
      const after = readAuth(p1);
      expect(before.kind === "chatgpt" && after.kind === "chatgpt" && after.refreshToken !== before.refreshToken).toBe(
        true,
      );
      expect(world.mock.refreshCalls("acct-a")).toBe(1);
      expect(mode(join(p1, "auth.json"))).toBe("0600");

      // profile import: a 0644 bundle file becomes a 0600 login in a 0700 home.
      const bundle = {
        format: "prodex-bundle",
        version: 1,
        encrypted: false,
        profiles: [{ name: "bundled", auth: world.mock.authFile("acct-bundle") }],
      };
      ok(
        await world.prodex(["profile", "import", openFile(join(world.dir, "in.json"), JSON.stringify(bundle))]),
        "profile import",
      );
      expect(mode(profile("bundled"))).toBe("0700");
      expect(mode(join(profile("bundled"), "auth.json"))).toBe("0600");

      // profile export: written 0600, also over a file that was 0644.
      const out = openFile(join(world.dir, "out.json"), "old");
      ok(await world.prodex(["profile", "export", out]), "profile export");
      expect(mode(out)).toBe("0600");
      expect(readFileSync(out, "utf8")).toContain("prodex-bundle");

      // The homes prodex made along the way.
      expect(mode(home)).toBe("0700");
      expect(mode(join(home, "profiles"))).toBe("0700");
      for (const name of ["p1", "p2", "spare", "acct-login", "bundled"]) {
        expect(mode(profile(name)), name).toBe("0700");
        expect(mode(join(profile(name), "auth.json")), name).toBe("0600");
      }
    },
    T,
  );

  test(
    "prodex.db and its WAL files are 0600 after a write, while the database is open",
    async () => {
      w = await cliEnv([{ id: "acct-a" }]);
      const world = w;
      ok(await world.prodex(["use", "p1"]), "use (a database write)");
      const ctx = new Context({ env: world.env, source: "test" });
      try {
        ctx.events.emit({ kind: "control", message: "a write that keeps the WAL" });
        const db = ctx.paths.db;
        for (const file of [db, `${db}-wal`, `${db}-shm`]) {
          expect(existsSync(file), file).toBe(true);
          expect(mode(file), file).toBe("0600");
        }
        expect(mode(ctx.paths.prodexHome)).toBe("0700");
      } finally {
        ctx.close();
      }
    },
    T,
  );
});
