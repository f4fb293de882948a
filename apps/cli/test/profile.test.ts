import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Store } from "@prodex/store";
import { type CliEnv, type RunResult, cliEnv } from "@prodex/testkit/cli-env";
import { oneClearError } from "@prodex/testkit/one-clear-error";

// Each test builds its own world (temp dirs + mock) and closes it. The CLI runs as a subprocess and
// its start-up dominates this file's time, so independent commands run in parallel inside a test and
// results are checked in the store directly where another `profile list` would prove nothing new.

const FAKE_CODEX = join(import.meta.dir, "fixtures", "fake-codex.sh");
// Generous: subprocess start-up on a busy 2-core machine is slow; the work itself is not.
const T = 60_000;

async function inWorld(accounts: { id: string; email?: string }[], fn: (w: CliEnv) => Promise<void>): Promise<void> {
  const w = await cliEnv(accounts);
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}

type ProfilesJson = {
  schema: string;
  profiles: {
    name: string;
    current: boolean;
    kind: string;
    codexHome: string;
    accountId: string | null;
    email: string | null;
    auth: string;
    needsLogin: boolean;
  }[];
};
function parseList(r: RunResult): ProfilesJson {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ProfilesJson;
}

/** Profiles as stored under `prodexHome`, read in-process. */
function stored(prodexHome: string): { name: string; accountId: string | null; kind: string; authState: string }[] {
  const store = Store.open(join(prodexHome, "prodex.db"));
  try {
    return store.profiles
      .list()
      .map((p) => ({ name: p.name, accountId: p.accountId, kind: p.kind, authState: p.authState }));
  } finally {
    store.close();
  }
}

/** A Codex home outside prodex, logged in to a mock account. */
function codexHomeWith(w: CliEnv, dirName: string, account: string): string {
  const home = join(w.dir, dirName);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "auth.json"), JSON.stringify(w.mock.authFile(account)));
  return home;
}

const prodexHome = (w: CliEnv) => w.env.PRODEX_HOME as string;
const profileHome = (w: CliEnv, name: string) => join(prodexHome(w), "profiles", name);

describe("prodex profile", () => {
  test(
    "add (managed and --codex-home), list --json and table, remove with and without --delete-home",
    () =>
      inWorld([{ id: "acct-a" }], async (w) => {
        w.mock.addAccount({ id: "acct-ext" });
        const ext = codexHomeWith(w, "ext-home", "acct-ext");
        const [spare, other, external] = await Promise.all([
          w.prodex(["profile", "add", "spare"]),
          w.prodex(["profile", "add", "other"]),
          w.prodex(["profile", "add", "ext", "--codex-home", ext]),
        ]);
        expect(spare.code, spare.stderr).toBe(0);
        expect(spare.stdout).toBe(`added profile spare → ${profileHome(w, "spare")}\n`);
        expect(spare.stderr).toContain("no login yet: run prodex login -p spare");
        expect(other.code, other.stderr).toBe(0);
        expect(external.code, external.stderr).toBe(0);
        expect(external.stdout).toBe(`added profile ext (ext@example.com) → ${ext}\n`);

        const [json, table] = await Promise.all([
          w.prodex(["profile", "list", "--json"]),
          w.prodex(["profile", "list"]),
        ]);
        const list = parseList(json);
        expect(list.schema).toBe("prodex.profiles/v1");
        expect(list.profiles.find((p) => p.name === "p1")).toMatchObject({
          current: true,
          kind: "managed",
          accountId: "acct-a",
          auth: "chatgpt",
          needsLogin: false,
        });
        expect(list.profiles.find((p) => p.name === "spare")).toMatchObject({
          current: false,
          kind: "managed",
          auth: "no-auth",
          needsLogin: true,
          accountId: null,
        });
        expect(list.profiles.find((p) => p.name === "ext")).toMatchObject({
          kind: "external",
          codexHome: ext,
          accountId: "acct-ext",
        });
        expect(table.stdout).toMatch(/^\s*NAME\s+EMAIL\s+PLAN\s+AUTH\s+KIND\s+HOME/m);
        expect(table.stdout).toMatch(/^\s*\*\s+p1\s+\S+\s+\S+\s+chatgpt\s+managed\s/m);
        expect(table.stdout).toMatch(/^\s+spare\s+-\s+-\s+no-auth\s+managed\s/m);

        const [keep, del, extDel] = await Promise.all([
          w.prodex(["profile", "remove", "spare"]),
          w.prodex(["profile", "remove", "other", "--delete-home"]),
          w.prodex(["profile", "remove", "ext", "--delete-home"]),
        ]);
        expect(keep.stdout).toBe("removed profile spare\n");
        expect(del.stdout).toBe(`removed profile other and deleted ${profileHome(w, "other")}\n`);
        // An external home belongs to the user: never deleted, whatever the flag says.
        expect(extDel.stdout).toBe("removed profile ext\n");
        expect(existsSync(join(ext, "auth.json"))).toBe(true);
        expect(existsSync(profileHome(w, "spare"))).toBe(true);
        expect(existsSync(profileHome(w, "other"))).toBe(false);
        expect(stored(prodexHome(w)).map((p) => p.name)).toEqual(["p1"]);
      }),
    T,
  );

  test(
    "use / current",
    () =>
      inWorld([{ id: "acct-a" }, { id: "acct-b" }], async (w) => {
        expect((await w.prodex(["current"])).stdout).toBe("p1\n");
        const use = await w.prodex(["use", "p2"]);
        expect(use.code, use.stderr).toBe(0);
        expect(use.stdout).toBe("current profile: p2\n");
        expect((await w.prodex(["current"])).stdout).toBe("p2\n");
      }),
    T,
  );

  test(
    "import-current copies the login of the CODEX_HOME given in the env",
    () =>
      inWorld([], async (w) => {
        w.mock.addAccount({ id: "acct-cur", email: "current.user@example.com" });
        const home = codexHomeWith(w, "codex-now", "acct-cur");
        const r = await w.prodex(["profile", "import-current"], { env: { CODEX_HOME: home } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe("imported current.user@example.com as profile current.user\n");
        const auth = join(profileHome(w, "current.user"), "auth.json");
        expect(readFileSync(auth, "utf8")).toBe(readFileSync(join(home, "auth.json"), "utf8"));
        expect(statSync(auth).mode & 0o777).toBe(0o600);

        const empty = join(w.dir, "no-codex");
        const [twice, none] = await Promise.all([
          w.prodex(["profile", "import-current", "again"], { env: { CODEX_HOME: home } }),
          w.prodex(["profile", "import-current"], { env: { CODEX_HOME: empty } }),
        ]);
        oneClearError(twice, 1, /already the profile "current\.user"/);
        oneClearError(none, 1, new RegExp(`^prodex: no Codex login found in ${join(empty, "auth.json")}$`));
        expect(stored(prodexHome(w)).map((p) => p.name)).toEqual(["current.user"]);
      }),
    T,
  );

  test(
    "export FILE / import FILE into a fresh PRODEX_HOME; importing again skips, naming each profile",
    () =>
      inWorld([{ id: "acct-a" }, { id: "acct-b" }], async (w) => {
        const file = join(w.dir, "bundle.json");
        const out = await w.prodex(["profile", "export", file]);
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout).toBe(`exported 2 profile(s) to ${file}\n`);
        expect(out.stderr).toContain("live login tokens in clear text");
        expect(statSync(file).mode & 0o777).toBe(0o600);

        const fresh = join(w.dir, "prodex-2");
        const [imp, again] = await Promise.all([
          w.prodex(["profile", "import", file], { env: { PRODEX_HOME: fresh } }),
          w.prodex(["profile", "import", file]),
        ]);
        expect(imp.code, imp.stderr).toBe(0);
        expect(imp.stdout).toBe("imported p1\nimported p2\n");
        expect(stored(fresh)).toEqual([
          { name: "p1", accountId: "acct-a", kind: "managed", authState: "ok" },
          { name: "p2", accountId: "acct-b", kind: "managed", authState: "ok" },
        ]);
        for (const n of ["p1", "p2"]) {
          expect(readFileSync(join(fresh, "profiles", n, "auth.json"), "utf8")).toBe(
            readFileSync(join(profileHome(w, n), "auth.json"), "utf8"),
          );
        }
        expect(again.code).toBe(1);
        expect(again.stdout).toBe(
          'skipped p1: account already in the pool as "p1"\nskipped p2: account already in the pool as "p2"\n',
        );
      }),
    T,
  );

  test(
    "export --password (PRODEX_BUNDLE_PASSWORD) / import with the right, a wrong and no password",
    () =>
      inWorld([{ id: "acct-a" }], async (w) => {
        const file = join(w.dir, "sealed.json");
        const out = await w.prodex(["profile", "export", file, "--password"], {
          env: { PRODEX_BUNDLE_PASSWORD: "s3cret" },
        });
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout).toBe(`exported 1 profile(s) to ${file} (encrypted)\n`);
        expect(out.stderr).toBe("");
        const text = readFileSync(file, "utf8");
        const auth = JSON.parse(readFileSync(join(profileHome(w, "p1"), "auth.json"), "utf8")) as {
          tokens: { refresh_token: string; access_token: string };
        };
        expect(text).not.toContain(auth.tokens.refresh_token);
        expect(text).not.toContain(auth.tokens.access_token);
        expect(text).not.toContain("acct-a");

        const [ok, wrong, none] = await Promise.all([
          w.prodex(["profile", "import", file], {
            env: { PRODEX_HOME: join(w.dir, "ok"), PRODEX_BUNDLE_PASSWORD: "s3cret" },
          }),
          w.prodex(["profile", "import", file], {
            env: { PRODEX_HOME: join(w.dir, "wrong"), PRODEX_BUNDLE_PASSWORD: "nope" },
          }),
          w.prodex(["profile", "import", file], { env: { PRODEX_HOME: join(w.dir, "none") } }),
        ]);
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toBe("imported p1\n");
        expect(stored(join(w.dir, "ok")).map((p) => p.accountId)).toEqual(["acct-a"]);
        oneClearError(wrong, 1, /^prodex: cannot decrypt the bundle: wrong password or a damaged file$/);
        // No terminal and no password in the env: says what to set.
        oneClearError(none, 1, /^prodex: a password is needed but stdin is not a terminal$/);
        expect(none.stderr).toContain("PRODEX_BUNDLE_PASSWORD");
      }),
    T,
  );
});

describe("prodex login / logout", () => {
  // The real `codex login` needs auth.openai.com, which is unreachable here, so PRODEX_CODEX_BIN
  // points at a fake that "logs in" by writing a mock auth.json into the CODEX_HOME prodex hands it.
  // This proves prodex's side: temp home, old login kept until success, profile created or updated.
  let n = 0;
  function loginEnv(w: CliEnv, account: string | null, extra: Record<string, string> = {}): Record<string, string> {
    n++;
    const env: Record<string, string> = {
      PRODEX_CODEX_BIN: FAKE_CODEX,
      FAKE_CODEX_SEEN: join(w.dir, `seen-${n}`),
      ...extra,
    };
    if (account) {
      const file = join(w.dir, `login-${n}.json`);
      writeFileSync(file, JSON.stringify(w.mock.authFile(account)));
      env.FAKE_CODEX_AUTH = file;
    }
    return env;
  }
  const tmpLeft = (w: CliEnv) => {
    const dir = join(prodexHome(w), "tmp");
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  test(
    "login -p NAME makes a new profile from a login done in a temp home",
    () =>
      inWorld([], async (w) => {
        w.mock.addAccount({ id: "acct-new", email: "new@example.com" });
        const env = loginEnv(w, "acct-new");
        const r = await w.prodex(["login", "-p", "work"], { env });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe("logged in new@example.com → new profile work\n");
        const seen = readFileSync(env.FAKE_CODEX_SEEN as string, "utf8").trim();
        expect(seen.startsWith(join(prodexHome(w), "tmp", "login-"))).toBe(true);
        expect(tmpLeft(w)).toEqual([]);
        expect(stored(prodexHome(w))).toEqual([
          { name: "work", accountId: "acct-new", kind: "managed", authState: "ok" },
        ]);
        expect(statSync(join(profileHome(w, "work"), "auth.json")).mode & 0o777).toBe(0o600);
      }),
    T,
  );

  test(
    "a failed login keeps the old auth.json; a good one updates the profile",
    () =>
      inWorld([{ id: "acct-a" }], async (w) => {
        const auth = join(profileHome(w, "p1"), "auth.json");
        const before = readFileSync(auth, "utf8");
        const [failed, empty] = await Promise.all([
          // Codex wrote a login, then failed.
          w.prodex(["login", "-p", "p1"], { env: loginEnv(w, "acct-a", { FAKE_CODEX_EXIT: "1" }) }),
          // Codex "succeeded" without a login.
          w.prodex(["login", "-p", "p1"], { env: loginEnv(w, null) }),
        ]);
        oneClearError(failed, 1, /^prodex: codex login exited with 1; nothing was changed$/);
        oneClearError(empty, 1, /^prodex: codex login finished without a ChatGPT login; nothing was changed$/);
        expect(readFileSync(auth, "utf8")).toBe(before);
        expect(tmpLeft(w)).toEqual([]);

        // Without -p the account's own profile is found and updated.
        const ok = await w.prodex(["login"], { env: loginEnv(w, "acct-a") });
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toBe("logged in a@example.com → profile p1 (updated)\n");
        expect(readFileSync(auth, "utf8")).not.toBe(before);
        expect(statSync(auth).mode & 0o777).toBe(0o600);
        expect(stored(prodexHome(w)).map((p) => p.name)).toEqual(["p1"]);
      }),
    T,
  );

  test(
    "duplicate accounts are refused, naming the profile; an email-derived name never takes over another account",
    () =>
      inWorld([{ id: "acct-a" }], async (w) => {
        w.mock.addAccount({ id: "acct-b", email: "me@two.example" });
        w.mock.addAccount({ id: "acct-c", email: "me@three.example" });
        const [dup, first] = await Promise.all([
          w.prodex(["login", "-p", "other"], { env: loginEnv(w, "acct-a") }),
          w.prodex(["login"], { env: loginEnv(w, "acct-b") }),
        ]);
        oneClearError(dup, 1, /^prodex: this account \(a@example\.com\) is already the profile "p1"$/);
        expect(dup.stderr).toContain("prodex login -p p1");
        expect(first.code, first.stderr).toBe(0);
        expect(first.stdout).toBe("logged in me@two.example → new profile me\n");

        // A second account whose email also yields "me": refused, "me" keeps its own login.
        const meAuth = readFileSync(join(profileHome(w, "me"), "auth.json"), "utf8");
        const second = await w.prodex(["login"], { env: loginEnv(w, "acct-c") });
        oneClearError(second, 1, /^prodex: a profile named "me" already holds another account \(me@two\.example\)$/);
        expect(second.stderr).toContain("prodex login -p");
        expect(readFileSync(join(profileHome(w, "me"), "auth.json"), "utf8")).toBe(meAuth);
        expect(stored(prodexHome(w)).map((p) => [p.name, p.accountId])).toEqual([
          ["p1", "acct-a"],
          ["me", "acct-b"],
        ]);
      }),
    T,
  );

  test(
    "logout removes the login and keeps the profile",
    () =>
      inWorld([{ id: "acct-a" }], async (w) => {
        const r = await w.prodex(["logout", "p1"]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe("logged out p1\n");
        expect(existsSync(join(profileHome(w, "p1"), "auth.json"))).toBe(false);
        expect(stored(prodexHome(w))).toEqual([
          { name: "p1", accountId: "acct-a", kind: "managed", authState: "needs_login" },
        ]);
      }),
    T,
  );
});

describe("bad input: one clear line, no stack, the right exit code", () => {
  test(
    "user mistakes exit 1 and change nothing",
    () =>
      inWorld([{ id: "acct-a" }], async (w) => {
        const corrupt = join(w.dir, "bad-codex");
        mkdirSync(corrupt);
        writeFileSync(join(corrupt, "auth.json"), "{oops");
        const notBundle = join(w.dir, "not-a-bundle.json");
        writeFileSync(notBundle, '{"hello":1}');
        const cases: { args: string[]; message: RegExp; env?: Record<string, string> }[] = [
          { args: ["use", "ghost"], message: /^prodex: no profile named "ghost"$/ },
          { args: ["profile", "remove", "ghost"], message: /^prodex: no profile named "ghost"$/ },
          { args: ["profile", "add", "../x"], message: /^prodex: invalid profile name "\.\.\/x"$/ },
          { args: ["profile", "add", "a/b"], message: /^prodex: invalid profile name "a\/b"$/ },
          { args: ["profile", "add", "p1"], message: /^prodex: a profile named "p1" already exists$/ },
          {
            args: ["profile", "add", "x", "--copy-from", join(w.dir, "nowhere")],
            message: new RegExp(`^prodex: no login found in ${join(w.dir, "nowhere", "auth.json")}$`),
          },
          {
            args: ["profile", "add", "x", "--copy-from", corrupt],
            message: new RegExp(`^prodex: ${join(corrupt, "auth.json")} is not valid JSON$`),
          },
          {
            args: ["profile", "add", "x", "--codex-home", join(w.dir, "nowhere")],
            message: /^prodex: --codex-home .*nowhere is not a directory$/,
          },
          { args: ["profile", "import", notBundle], message: /^prodex: the file is not a prodex bundle$/ },
          {
            args: ["profile", "import", corrupt],
            message: new RegExp(`^prodex: ${corrupt} is a folder, not a bundle file$`),
          },
          { args: ["profile", "export", corrupt], message: new RegExp(`^prodex: ${corrupt} is a folder$`) },
          {
            args: ["login"],
            message: /^prodex: cannot run Codex CLI at .*no-such-codex \(ENOENT\)$/,
            env: { PRODEX_CODEX_BIN: join(w.dir, "no-such-codex") },
          },
          { args: ["current"], message: /^prodex: no profiles yet/, env: { PRODEX_HOME: join(w.dir, "empty-home") } },
        ];
        const results = await Promise.all(cases.map((c) => w.prodex(c.args, { env: c.env })));
        results.forEach((r, i) => {
          const c = cases[i] as (typeof cases)[number];
          oneClearError(r, 1, c.message, c.args.join(" "));
        });
        expect(stored(prodexHome(w)).map((p) => p.name)).toEqual(["p1"]);
        expect(existsSync(join(prodexHome(w), "x"))).toBe(false);
        expect(existsSync(profileHome(w, "x"))).toBe(false);
      }),
    T,
  );

  test(
    "a garbage prodex.db or an unusable PRODEX_HOME: one line naming the file, exit 4",
    () =>
      inWorld([], async (w) => {
        const db = join(prodexHome(w), "prodex.db");
        mkdirSync(prodexHome(w), { recursive: true });
        writeFileSync(db, "this is not a sqlite database, just garbage ".repeat(200));
        // A file where the directory should be. (These tests run as root, where chmod 000 stops nothing.)
        const notDir = join(w.dir, "not-a-dir");
        writeFileSync(notDir, "x");
        const [list, add, home] = await Promise.all([
          w.prodex(["profile", "list"]),
          w.prodex(["profile", "add", "x"]),
          w.prodex(["profile", "list"], { env: { PRODEX_HOME: notDir } }),
        ]);
        for (const r of [list, add])
          oneClearError(
            r,
            4,
            new RegExp(`^prodex: the prodex database ${db} is unreadable or corrupt \\(.*\\); move it aside`),
          );
        oneClearError(
          home,
          4,
          new RegExp(
            `^prodex: cannot open the prodex database ${join(notDir, "prodex.db")}: .*; check that ${notDir} is a directory you can write`,
          ),
        );
        // Never "repaired" behind the user's back.
        expect(readFileSync(db, "utf8").startsWith("this is not a sqlite database")).toBe(true);
      }),
    T,
  );
});

describe("concurrency", () => {
  test(
    "8 processes adding different profiles to one fresh PRODEX_HOME: all present, database intact",
    () =>
      inWorld([], async (w) => {
        const fresh = join(w.dir, "fresh-prodex");
        const wanted = Array.from({ length: 8 }, (_, i) => `c${i + 1}`);
        const runs = await Promise.all(
          wanted.map((name) => w.prodex(["profile", "add", name], { env: { PRODEX_HOME: fresh } })),
        );
        for (const [i, r] of runs.entries()) expect(r.code, `${wanted[i]}: ${r.stderr}`).toBe(0);
        const store = Store.open(join(fresh, "prodex.db"));
        try {
          expect(store.integrityCheck()).toEqual([]);
          expect(
            store.profiles
              .list()
              .map((p) => p.name)
              .toSorted(),
          ).toEqual(wanted);
          // The first to land became current; nobody else overwrote it.
          const current = store.settings.get("current_profile");
          expect(wanted).toContain(current as string);
          for (const name of wanted) expect(existsSync(join(fresh, "profiles", name))).toBe(true);
        } finally {
          store.close();
        }
      }),
    60_000,
  );
});
