import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Context, readAuth, writeAuth } from "@prodex/core";
import { pathId } from "@prodex/proxy";
import { resolveAgentBin } from "../../apps/cli/src/launch/agent-bin.ts";
import { stopBrokers } from "@prodex/testkit/brokers";
import { type CliEnv, type RunResult, cliEnv } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";
import { type Secret, type Source, fileSources, findLeaks } from "@prodex/testkit/leak-scan";

// Secrets never reach logs, events, error messages, --dry-run or doctor output. This runs a
// representative set of commands and proxy flows with known fake secrets — the mock's access,
// id and refresh tokens (before and after refreshes), the per-launch secrets, the shared
// broker's admin secret, and secret-looking variables the user has set — then greps every
// output, every file prodex wrote, the events and the error bodies for each of them.
// `prodex serve` prints its secret on stdout by design: it must appear there and nowhere else.

const T = 240_000;

/** Secret-looking variables a user may have set; prodex must mask them wherever it echoes the environment. */
const USER_SECRETS: Secret[] = [
  { label: "OPENAI_API_KEY", value: "sk-fake-openai-R3DACT-0123456789abcdef" },
  { label: "ANTHROPIC_API_KEY", value: "sk-ant-fake-R3DACT-0123456789abcdef" },
  { label: "HTTPS_PROXY password", value: "proxypass-R3DACT-42" },
];
const USER_ENV = {
  OPENAI_API_KEY: USER_SECRETS[0]?.value ?? "",
  ANTHROPIC_API_KEY: USER_SECRETS[1]?.value ?? "",
  HTTPS_PROXY: `http://user:${USER_SECRETS[2]?.value ?? ""}@proxy.invalid:8080`,
  NO_PROXY: "127.0.0.1,localhost,::1",
};

let w: CliEnv;
const outputs: Source[] = [];
const tokens = new Map<string, Secret>();
/** Launch (lease) secrets and the broker's admin secret, as the wrapped Codex saw them. */
const launchSecrets = new Map<string, Secret>();
let serveSecret = "";
let serveStdout = "";
/** What the wrapped Codex got: its arguments (readable by other users), and its environment (private). */
let argvCapture = "";
let envCapture = "";

function record(what: string, r: RunResult): RunResult {
  outputs.push({ where: `${what} stdout`, text: r.stdout }, { where: `${what} stderr`, text: r.stderr });
  return r;
}

async function prodex(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return record(`prodex ${args.join(" ")}`, await w.prodex(args, { env }));
}

/** Every token any profile has held so far (auth.json now) and every one the mock still honours. */
function collectTokens(): void {
  const ctx = new Context({ env: w.env, source: "test-scan" });
  try {
    for (const p of ctx.store.profiles.list()) {
      const auth = readAuth(p.codexHome);
      if (auth.kind !== "chatgpt") continue;
      for (const [kind, value] of [
        ["access", auth.accessToken],
        ["refresh", auth.refreshToken],
        ["id", auth.idToken],
      ] as const)
        tokens.set(value, { label: `${p.name}'s ${kind} token`, value });
    }
  } finally {
    ctx.close();
  }
  for (const a of w.mock.accounts()) {
    for (const value of a.tokens.access) tokens.set(value, { label: `${a.id}'s access token`, value });
    for (const value of a.tokens.refresh) tokens.set(value, { label: `${a.id}'s refresh token`, value });
  }
}

/** Secrets the wrapped Codex was handed: the launch's secret (from its environment), and the broker's admin secret if one ran. */
function collectLaunchSecrets(): void {
  if (!existsSync(envCapture)) return;
  const text = readFileSync(envCapture, "utf8");
  for (const m of text.matchAll(/^PRODEX_LAUNCH_KEY=(\S+)$/gm))
    launchSecrets.set(m[1] as string, { label: "the exec launch's secret", value: m[1] as string });
  for (const m of text.matchAll(/^admin-secret: (\S+)$/gm))
    launchSecrets.set(m[1] as string, { label: "the broker's admin secret", value: m[1] as string });
}

function ok(r: RunResult, what: string, codes = [0]): void {
  expect(
    codes,
    `${what}: exit ${r.code}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`,
  ).toContain(r.code);
}

beforeAll(async () => {
  w = await cliEnv([
    { id: "acct-a", email: "a@example.com", primary: { usedPercent: 10 } },
    { id: "acct-b", email: "b@example.com", primary: { usedPercent: 20 } },
  ]);
  // p2's token is about to expire: the launch refreshes it (and the mock rotates its refresh token).
  const ctx = new Context({ env: w.env, source: "test-setup" });
  try {
    const p2 = ctx.store.profiles.get("p2");
    if (!p2) throw new Error("p2 missing");
    writeAuth(p2.codexHome, w.mock.authFile("acct-b", { expiresInSeconds: 60 }));
  } finally {
    ctx.close();
  }
  // The real Codex behind a wrapper that notes what prodex handed it: its arguments (what other
  // users can read in /proc/<pid>/cmdline) apart from its environment (where the launch secret goes).
  const real = resolveAgentBin("codex", { PATH: w.env.PATH });
  if (!real) throw new Error("Codex CLI is not installed (node_modules)");
  argvCapture = join(w.dir, "codex-argv.txt");
  envCapture = join(w.dir, "codex-env.txt");
  const wrapper = join(w.dir, "codex-wrapper.sh");
  writeFileSync(
    wrapper,
    [
      "#!/bin/sh",
      `printf '%s\\n' "$@" >> '${argvCapture}'`,
      `printf 'PRODEX_LAUNCH_KEY=%s\\nCODEX_REFRESH_TOKEN_URL_OVERRIDE=%s\\n' "$PRODEX_LAUNCH_KEY" "$CODEX_REFRESH_TOKEN_URL_OVERRIDE" >> '${envCapture}'`,
      `for f in "$PRODEX_HOME"/broker/*.secret; do [ -f "$f" ] && printf 'admin-secret: %s\\n' "$(cat "$f")" >> '${envCapture}'; done`,
      `exec '${real.path}' "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(wrapper, 0o755);
  w.env.PRODEX_CODEX_BIN = wrapper;
  collectTokens();
}, T);

afterAll(async () => {
  await w.close();
}, T);

describe("secrets stay out of every output", () => {
  test(
    "CLI commands, an exec with a 429 rotation and a token refresh, serve with error paths",
    async () => {
      // Read-only commands over the logged-in pool.
      ok(await prodex(["quota", "--all"]), "quota");
      ok(await prodex(["quota", "--all", "--json"]), "quota --json");
      ok(await prodex(["profile", "list", "--json"]), "profile list --json");
      ok(await prodex(["profile", "list"]), "profile list");
      ok(await prodex(["run", "--dry-run"], USER_ENV), "run --dry-run");
      const dry = await prodex(["exec", "--dry-run", "say hi"], USER_ENV);
      ok(dry, "exec --dry-run");
      // The launch secret's variable is masked; the arguments name only a path id and the header's variable.
      expect(dry.stdout).toContain("PRODEX_LAUNCH_KEY=***");
      expect(dry.stdout).toContain("/s/<path-id>/backend-api/codex");
      expect(dry.stdout).toContain('env_http_headers={"x-prodex-key"="PRODEX_LAUNCH_KEY"}');
      ok(await prodex(["claude", "--dry-run"], USER_ENV), "claude --dry-run");
      ok(await prodex(["doctor", "--json", "--offline"], USER_ENV), "doctor --json");
      ok(await prodex(["doctor", "--verbose"], USER_ENV), "doctor");
      ok(await prodex(["info", "--json"]), "info --json");
      collectTokens();

      // exec through the pool: acct-a answers 429 (rotation), acct-b's token is refreshed and its first try is a 401 (refresh again).
      w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
      w.mock.fault("acct-b", { kind: "unauthorized" });
      const exec = await prodex(["exec", "--skip-git-repo-check", "say hi"]);
      ok(exec, "exec");
      expect(exec.stdout).toContain("hi from mock");
      const served = w.mock.requests({ path: "/backend-api/codex/responses" }).map((q) => `${q.accountId}:${q.status}`);
      expect(served).toContain("acct-a:429");
      expect(w.mock.refreshCalls("acct-b")).toBeGreaterThanOrEqual(1);
      collectTokens();
      collectLaunchSecrets();
      expect(launchSecrets.size, "the wrapped Codex saw no launch secret").toBeGreaterThan(0);
      // The launch secret is in Codex's environment only: its arguments carry the one-way path id.
      const argv = readFileSync(argvCapture, "utf8");
      const env = readFileSync(envCapture, "utf8");
      const launchKeys = [...env.matchAll(/^PRODEX_LAUNCH_KEY=(\S+)$/gm)].map((m) => m[1] as string);
      expect(launchKeys.length).toBeGreaterThan(0);
      for (const key of launchKeys) {
        expect(argv.includes(key), "the launch secret is in Codex's arguments").toBe(false);
        expect(argv).toContain(`/s/${pathId(key)}/backend-api/codex`);
        expect(env).toContain(`CODEX_REFRESH_TOKEN_URL_OVERRIDE=http://127.0.0.1:`);
        expect(env).toContain(`/k/${key}/oauth/token`);
      }
      expect(argv).toContain('env_http_headers={"x-prodex-key"="PRODEX_LAUNCH_KEY"}');
      for (const { value } of launchSecrets.values())
        expect(argv.includes(value), "a secret is in Codex's arguments").toBe(false);

      // serve: its secret goes to stdout; then error paths through it.
      const serve = startProdex(["serve", "--json", "-p", "p2", "--no-auto-rotate"], w.env);
      const info = JSON.parse(await serve.firstLine) as {
        secret: string;
        url: string;
        codex: { baseUrl: string };
        openai: { headers: Record<string, string> };
      };
      serveSecret = info.secret;
      const errors: Source[] = [];
      const body = async (what: string, res: Response) =>
        errors.push({
          where: `error body: ${what} (HTTP ${res.status})`,
          text: `${[...res.headers].join("\n")}\n${await res.text()}`,
        });
      const responses = (
        headers: Record<string, string> = {},
        payload = JSON.stringify({
          model: "gpt-5",
          stream: true,
          input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
        }),
      ) =>
        fetch(`${info.codex.baseUrl}/responses`, {
          method: "POST",
          headers: { "content-type": "application/json", ...info.openai.headers, ...headers },
          body: payload,
        });
      // A 401 upstream, before and after a refresh, with rotation off: the upstream's answer reaches the client.
      // (p1 rests after its 429 above: serve stays on p2.)
      w.mock.fault("acct-b", { kind: "unauthorized" }, { kind: "unauthorized" });
      const unauthorized = await responses();
      expect(unauthorized.status, await unauthorized.clone().text()).toBe(401);
      await body("upstream 401", unauthorized);
      // Claude's view of the same: a 502 naming prodex login.
      w.mock.fault("acct-b", { kind: "unauthorized" }, { kind: "unauthorized" });
      const claude = await fetch(`${info.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": info.secret },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 16,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(claude.status).toBeGreaterThanOrEqual(400);
      await body("claude after upstream 401", claude);
      // The proxy's own refusals.
      await body("wrong secret", await responses({ "x-prodex-key": "x".repeat(info.secret.length) }));
      await body(
        "path id without the header",
        await fetch(`${info.codex.baseUrl}/responses`, { method: "POST", body: "{}" }),
      );
      await body(
        "wrong path id",
        await fetch(`${info.url}/s/${"x".repeat(32)}/backend-api/codex/responses`, {
          method: "POST",
          headers: info.openai.headers,
          body: "{}",
        }),
      );
      await body("browser origin", await responses({ origin: "https://evil.example" }));
      await body("not JSON", await responses({}, "{oops"));
      await body(
        "wrong Claude key",
        await fetch(`${info.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "nope" }, body: "{}" }),
      );
      await body("oversized", await responses({ "content-encoding": "zstd" }, "x"));
      await body(
        "control: unknown profile",
        await fetch(`${info.url}/k/${info.secret}/__prodex/control`, {
          method: "POST",
          body: JSON.stringify({ pin: "nosuch" }),
        }),
      );
      await body(
        "oauth: a refresh token the profile never held",
        await fetch(`${info.url}/k/${info.secret}/oauth/token`, {
          method: "POST",
          body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "never-held" }),
        }),
      );
      serve.proc.kill("SIGTERM");
      expect(await serve.exit(30_000)).toBe(0);
      serveStdout = serve.stdout();
      outputs.push({ where: "prodex serve stderr", text: serve.stderr() });
      outputs.push(...errors);
      collectTokens();

      // After everything: the timeline and the runtime log as prodex shows them.
      await stopBrokers(w.env.PRODEX_HOME as string);
      ok(await prodex(["logs", "--json", "-n", "10000"]), "logs --json");
      ok(await prodex(["logs", "--json", "--runtime", "-n", "10000"]), "logs --json --runtime");
      ok(await prodex(["logs", "-n", "10000"]), "logs");
      ok(await prodex(["info", "--json"]), "info --json (after)");
      ok(await prodex(["doctor", "--json", "--offline"]), "doctor --json (after)", [0, 1, 3, 4]);

      const home = w.env.PRODEX_HOME as string;
      // Skipped: the broker's 0600 secret file (where its admin secret lives), and the profile homes —
      // each is Codex's CODEX_HOME, where prodex writes only auth.json (the tokens' home) and Codex keeps
      // its own state, including shell snapshots of the environment it was given (docs/security.md).
      const files = [
        ...fileSources(home, "PRODEX_HOME", (rel) => rel === "profiles" || /^broker\/[^/]+\.secret$/.test(rel)),
        ...fileSources(w.env.PRODEX_RUNTIME_LOG_DIR as string, "runtime log dir"),
        ...fileSources(w.env.TMPDIR as string, "TMPDIR"),
      ];
      expect(
        files.some((f) => f.where.includes("prodex-runtime-")),
        "no runtime log was written",
      ).toBe(true);
      expect(files.some((f) => f.where.endsWith("prodex.db"))).toBe(true);

      const all: Secret[] = [...tokens.values(), ...launchSecrets.values(), ...USER_SECRETS];
      // The scan can see: the tokens are exactly what the logins on disk hold, and the flows left their events.
      expect(
        findLeaks(
          [...tokens.values()],
          fileSources(join(home, "profiles"), "profiles", (rel) =>
            !rel.includes("/") ? false : !rel.endsWith("auth.json"),
          ),
        ).length,
      ).toBeGreaterThan(0);
      const timeline = outputs.find((o) => o.where === "prodex logs --json -n 10000 stdout")?.text ?? "";
      for (const kind of ["rotation", "token.refreshed", "backoff"])
        expect(timeline, kind).toContain(`"kind":"${kind}"`);
      expect(tokens.size).toBeGreaterThanOrEqual(8);
      const leaks = findLeaks([...all, { label: "the serve secret", value: serveSecret }], [...outputs, ...files]);
      expect(leaks, "secrets found where they must never be").toEqual([]);

      // The serve secret: on serve's stdout, by design, and nowhere else.
      expect(serveStdout).toContain(serveSecret);
      expect(findLeaks(all, [{ where: "prodex serve stdout", text: serveStdout }])).toEqual([]);
      // Where the secrets do live, they are private.
      for (const f of readdirSync(join(home, "profiles"))) {
        const auth = join(home, "profiles", f, "auth.json");
        if (existsSync(auth)) expect((await Bun.file(auth).stat()).mode & 0o777).toBe(0o600);
      }
    },
    T,
  );
});
