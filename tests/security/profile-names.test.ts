import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context, UsageError, addProfile } from "@prodex/core";
import { type CliEnv, type RunResult, cliEnv } from "@prodex/testkit/cli-env";
import { oneClearError } from "@prodex/testkit/one-clear-error";
import { FAKE_CODEX, added, tree } from "./security-helpers.ts";

// Profile names become directory names under $PRODEX_HOME/profiles. Every command that takes a
// name must refuse one that could escape (or impersonate) a profile: exit 1, one clear line, and
// nothing created anywhere — checked on the filesystem, not only in the output.

let w: CliEnv;
beforeAll(async () => {
  w = await cliEnv([{ id: "acct-a" }, { id: "acct-b" }]);
  // A login `prodex login` would adopt if a bad name slipped through validation.
  w.mock.addAccount({ id: "acct-new", email: "new@example.com" });
  writeFileSync(join(w.dir, "login-auth.json"), JSON.stringify(w.mock.authFile("acct-new")));
});
afterAll(() => w.close());

const T = 120_000;
const prodexHome = () => w.env.PRODEX_HOME as string;

/** Names that must never become a profile (NUL cannot pass through argv: see the bundle test below). */
const BAD_NAMES = (dir: string): [string, string][] => [
  ["parent escape", "../x"],
  ["double escape", "../../escaped"],
  ["nested path", "a/b"],
  ["parent", ".."],
  ["absolute path", join(dir, "abs-target")],
  ["very long", "a".repeat(300)],
  ["Cyrillic lookalike", "\u04401"],
  ["fullwidth lookalike", "\uff50\uff11"],
  ["division-slash lookalike", "a\u2215b"],
];

/** Commands that take a profile name, with the name slotted in; `few` = checked with a shorter list (same code path as `use`). */
const COMMANDS: [string, (name: string) => string[], "all" | "few"][] = [
  ["profile add", (n) => ["profile", "add", n], "all"],
  ["use", (n) => ["use", n], "all"],
  ["profile remove", (n) => ["profile", "remove", n, "--delete-home"], "all"],
  ["login -p", (n) => ["login", "-p", n], "all"],
  ["run -p", (n) => ["run", "-p", n, "--dry-run"], "all"],
  ["claude --profile", (n) => ["claude", "--profile", n, "--dry-run"], "all"],
  ["profile export -p", (n) => ["profile", "export", "-p", n, "--", join(w.dir, "export.json")], "all"],
  ["profile import-current", (n) => ["profile", "import-current", n], "all"],
  ["exec -p", (n) => ["exec", "-p", n, "--dry-run", "hi"], "few"],
  ["logout", (n) => ["logout", n], "few"],
  ["quota -p", (n) => ["quota", "-p", n], "few"],
  ["logs -p", (n) => ["logs", "-p", n], "few"],
];

/** What prodex may create in its home while refusing (the database's own files). */
const ALLOWED_IN_HOME = /^(prodex\.db(-wal|-shm)?|tmp|locks)$/;

function checkNothingCreated(before: Set<string>, what: string): void {
  const home = `${prodexHome().slice(w.dir.length + 1)}/`;
  // Bun's own transpiler cache (in HOME) and temp files are not prodex's doing.
  const news = added(before, tree(w.dir)).filter((p) => !/^(logs|tmp|home\/\.bun)(\/|$)/.test(p));
  const outside = news.filter((p) => !p.startsWith(home));
  expect(outside, `${what}: created outside PRODEX_HOME`).toEqual([]);
  const inside = news.map((p) => p.slice(home.length)).filter((p) => !ALLOWED_IN_HOME.test(p));
  expect(inside, `${what}: created inside PRODEX_HOME`).toEqual([]);
}

describe("profile names with path tricks are refused everywhere", () => {
  for (const [label, args, names] of COMMANDS) {
    test(
      `${label}: exit 1, one line, nothing created`,
      async () => {
        const env = {
          PRODEX_CODEX_BIN: FAKE_CODEX,
          FAKE_CODEX_AUTH: join(w.dir, "login-auth.json"),
          PRODEX_CLAUDE_BIN: "/bin/true",
        };
        const list = BAD_NAMES(w.dir).filter(
          ([why]) => names === "all" || ["parent escape", "nested path", "absolute path"].includes(why),
        );
        const before = tree(w.dir);
        // Independent refusals: run side by side (subprocess start-up dominates), check the disk once after.
        const results = await Promise.all(list.map(([, name]) => w.prodex(args(name), { env })));
        for (const [i, [why, name]] of list.entries())
          oneClearError(
            results[i] as RunResult,
            1,
            /invalid profile name/,
            `${label} ${why} (${JSON.stringify(name)})`,
          );
        checkNothingCreated(before, label);
        expect(existsSync(join(w.dir, "abs-target"))).toBe(false);
        expect(existsSync(join(prodexHome(), "x"))).toBe(false);
        expect(existsSync(join(w.dir, "escaped"))).toBe(false);
        const profiles = await w.prodex(["profile", "list", "--json"]);
        expect((JSON.parse(profiles.stdout) as { profiles: { name: string }[] }).profiles.map((p) => p.name)).toEqual([
          "p1",
          "p2",
        ]);
      },
      T,
    );
  }

  test(
    "a bundle entry named with a path, a NUL or a lookalike is skipped, nothing written",
    async () => {
      const auth = w.mock.authFile("acct-new");
      const names = ["../bundled", "a/b", "..", "nul\u0000byte", "\u0440ro", join(w.dir, "abs-bundled")];
      const file = join(w.dir, "evil-bundle.json");
      writeFileSync(
        file,
        JSON.stringify({
          format: "prodex-bundle",
          version: 1,
          encrypted: false,
          profiles: names.map((name) => ({ name, auth })),
        }),
      );
      const before = tree(w.dir);
      const r = await w.prodex(["profile", "import", file]);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines).toHaveLength(names.length);
      for (const line of lines) expect(line).toMatch(/^skipped [\x20-\x7e]+: invalid profile name$/);
      expect(lines).toContain("skipped nul\\u{0}byte: invalid profile name");
      checkNothingCreated(before, "profile import");
      expect(existsSync(join(prodexHome(), "bundled"))).toBe(false);
      expect(existsSync(join(w.dir, "abs-bundled"))).toBe(false);
    },
    T,
  );

  test("the core API refuses the same names before touching the disk (NUL included)", () => {
    const ctx = new Context({ env: w.env, source: "test" });
    try {
      for (const name of ["nul\u0000byte", "../x", "a/b", "..", "/abs", "\u0440ro", "x".repeat(65)]) {
        const before = tree(w.dir);
        expect(() => addProfile(ctx, { name }), JSON.stringify(name)).toThrow(UsageError);
        checkNothingCreated(before, `addProfile ${JSON.stringify(name)}`);
      }
    } finally {
      ctx.close();
    }
  });
});
