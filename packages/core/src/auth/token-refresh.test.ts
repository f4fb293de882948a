import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import { type AuthJson, type MockBackend, createMockBackend } from "@prodex/mock";
import { Context } from "../context.ts";
import { AuthError, UpstreamError } from "../errors.ts";
import { addProfile } from "../profiles/profile-service.ts";
import { claims, unsignedJwt } from "@prodex/testkit/test-jwt";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { authPath, writeAuth } from "./auth-file.ts";
import { REFRESH_SKEW_MS, type RefreshReason, type TokenHooks, TokenManager } from "./token-refresh.ts";

const temp = useTempDirs("prodex-refresh-");
const WORKER = join(import.meta.dir, "fixtures", "refresh-worker.ts");

let mock: MockBackend;
beforeAll(async () => {
  mock = await createMockBackend({
    accounts: [{ id: "acct-1" }, { id: "acct-2" }, { id: "acct-3" }, { id: "acct-4" }],
  });
});
afterAll(() => mock.stop());

type Seen = { refreshed: RefreshReason[]; needsLogin: string[]; failed: string[] };
function recorder(): { hooks: TokenHooks; seen: Seen } {
  const seen: Seen = { refreshed: [], needsLogin: [], failed: [] };
  return {
    seen,
    hooks: {
      onRefreshed: (_p, reason) => seen.refreshed.push(reason),
      onNeedsLogin: (_p, why) => seen.needsLogin.push(why),
      onFailed: (_p, e) => seen.failed.push(e.message),
    },
  };
}

/** A profile home holding a fresh mock login of `account` (a new token family each time). */
function homeWith(
  account: string,
  expiresInSeconds: number,
): { ref: { name: string; codexHome: string }; auth: AuthJson } {
  const codexHome = temp();
  const auth = mock.authFile(account, { expiresInSeconds });
  writeAuth(codexHome, auth);
  return { ref: { name: "p1", codexHome }, auth };
}

const onDisk = (home: string) =>
  JSON.parse(readFileSync(authPath(home), "utf8")) as {
    tokens: { access_token: string; refresh_token: string };
    last_refresh: string;
  };
const live = (account: string) => mock.accounts().find((a) => a.id === account)?.tokens ?? { access: [], refresh: [] };
const refreshBodies = () => mock.requests({ path: "/oauth/token" }).map((r) => r.body as { refresh_reason?: string });

describe("TokenManager.current: proactive refresh", () => {
  // Pure timing decision: a local JWT and an injected clock; any network call would fail the test.
  const NOW = 1_800_000_000_000;
  const cases: { name: string; expiresInMs: number | null; refresh: boolean }[] = [
    { name: "an hour left: use it", expiresInMs: 3_600_000, refresh: false },
    { name: "just over the 5 min window: use it", expiresInMs: REFRESH_SKEW_MS + 1_000, refresh: false },
    { name: "just inside the 5 min window: refresh", expiresInMs: REFRESH_SKEW_MS - 1_000, refresh: true },
    { name: "already expired: refresh", expiresInMs: -60_000, refresh: true },
    { name: "no exp claim: use it (Codex refreshes on 401)", expiresInMs: null, refresh: false },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const codexHome = temp();
      const exp = c.expiresInMs === null ? undefined : Math.floor((NOW + c.expiresInMs) / 1000);
      writeAuth(codexHome, {
        tokens: {
          id_token: unsignedJwt(claims("acct-x", exp)),
          access_token: unsignedJwt(claims("acct-x", exp)),
          refresh_token: "rt-x",
          account_id: "acct-x",
        },
      });
      let calls = 0;
      const fetchStub = (async () => {
        calls++;
        return Response.json({ access_token: unsignedJwt(claims("acct-x", NOW / 1000 + 3600)), refresh_token: "rt-y" });
      }) as unknown as typeof fetch;
      const tm = new TokenManager({ refreshUrl: "http://127.0.0.1:9/oauth/token", fetch: fetchStub, now: () => NOW });
      const got = await tm.current({ name: "x", codexHome });
      expect(calls).toBe(c.refresh ? 1 : 0);
      expect(got.refreshToken).toBe(c.refresh ? "rt-y" : "rt-x");
    });
  }

  test("refreshes against the token endpoint, rotates, keeps other fields, writes 0600", async () => {
    const { ref, auth } = homeWith("acct-1", 60);
    const before = refreshBodies().length;
    writeFileSync(authPath(ref.codexHome), JSON.stringify({ ...auth, extra_field: "kept" }));
    const { hooks, seen } = recorder();
    const tm = new TokenManager({ refreshUrl: mock.refreshUrl, hooks });
    const got = await tm.current(ref);
    expect(got.accessToken).not.toBe(auth.tokens.access_token);
    expect(got.refreshToken).not.toBe(auth.tokens.refresh_token);
    expect(got.expiresAt).toBeGreaterThan(Date.now() + REFRESH_SKEW_MS);
    const file = onDisk(ref.codexHome) as ReturnType<typeof onDisk> & { extra_field?: string };
    expect(file.tokens.access_token).toBe(got.accessToken);
    expect(file.extra_field).toBe("kept");
    expect(Date.parse(file.last_refresh)).toBeGreaterThan(Date.parse(auth.last_refresh) - 1);
    expect(statSync(authPath(ref.codexHome)).mode & 0o777).toBe(0o600);
    expect(seen.refreshed).toEqual(["proactive_expiry"]);
    expect(
      refreshBodies()
        .slice(before)
        .map((b) => b.refresh_reason),
    ).toEqual(["proactive_expiry"]);
    expect(live("acct-1").access).toContain(got.accessToken);
    // A second ask uses the new token without another refresh.
    expect((await tm.current(ref)).accessToken).toBe(got.accessToken);
    expect(refreshBodies().length).toBe(before + 1);
  });
});

describe("TokenManager.afterUnauthorized", () => {
  test("uses a newer token already on disk instead of refreshing", async () => {
    const { ref, auth } = homeWith("acct-2", 3600);
    const calls = mock.refreshCalls("acct-2");
    const tm = new TokenManager({ refreshUrl: mock.refreshUrl });
    await tm.current(ref); // cached
    const newer = mock.authFile("acct-2", { expiresInSeconds: 3600 });
    writeAuth(ref.codexHome, newer); // e.g. Codex or another prodex refreshed meanwhile
    const got = await tm.afterUnauthorized(ref, auth.tokens.access_token);
    expect(got.accessToken).toBe(newer.tokens.access_token);
    expect(mock.refreshCalls("acct-2")).toBe(calls);
  });

  test("refreshes when the rejected token is still the one on disk", async () => {
    const { ref, auth } = homeWith("acct-2", 3600);
    const before = refreshBodies().length;
    const { hooks, seen } = recorder();
    const got = await new TokenManager({ refreshUrl: mock.refreshUrl, hooks }).afterUnauthorized(
      ref,
      auth.tokens.access_token,
    );
    expect(got.accessToken).not.toBe(auth.tokens.access_token);
    expect(onDisk(ref.codexHome).tokens.access_token).toBe(got.accessToken);
    expect(seen.refreshed).toEqual(["unauthorized_recovery"]);
    expect(
      refreshBodies()
        .slice(before)
        .map((b) => b.refresh_reason),
    ).toEqual(["unauthorized_recovery"]);
  });
});

describe("dead logins and failures", () => {
  test("refresh_token_reused (the mock) → needs login, hook called, auth.json untouched", async () => {
    const { ref, auth } = homeWith("acct-3", 30);
    // Someone used this refresh token already (and lost the result): presenting it again is reuse.
    const used = await fetch(mock.refreshUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
        grant_type: "refresh_token",
        refresh_token: auth.tokens.refresh_token,
      }),
    });
    expect(used.status).toBe(200);
    const before = readFileSync(authPath(ref.codexHome), "utf8");
    const { hooks, seen } = recorder();
    const err = await new TokenManager({ refreshUrl: mock.refreshUrl, hooks }).current(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const e = err as AuthError;
    expect(e.needsLogin).toBe(true);
    expect(e.profile).toBe("p1");
    expect(e.message).toBe('profile "p1" needs login: its refresh token was rejected (refresh_token_reused)');
    expect(e.hint).toBe("run: prodex login -p p1");
    expect(seen).toEqual({ refreshed: [], needsLogin: ["refresh_token_reused"], failed: [] });
    expect(readFileSync(authPath(ref.codexHome), "utf8")).toBe(before);
  });

  // What other token endpoints answer (auth.openai.com uses both error shapes).
  let server: Server<undefined>;
  let url = "";
  beforeAll(() => {
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 0,
      fetch(req) {
        const scenario = new URL(req.url).pathname.slice(1);
        switch (scenario) {
          case "invalid-grant":
            return Response.json(
              { error: "invalid_grant", error_description: "Refresh token expired" },
              { status: 400 },
            );
          case "expired-code":
            return Response.json({ error: { code: "refresh_token_expired", message: "expired" } }, { status: 401 });
          case "invalidated-400":
            return Response.json({ error: { code: "refresh_token_invalidated" } }, { status: 400 });
          case "bare-401":
            return new Response("unauthorized", { status: 401 });
          case "e500":
            return Response.json({ error: { code: "server_error" } }, { status: 500 });
          case "e503-html":
            return new Response("<html>down</html>", { status: 503 });
          case "e429":
            return Response.json({ error: "rate_limited" }, { status: 429 });
          case "bad-request":
            return Response.json({ error: "invalid_request" }, { status: 400 });
          case "ok-not-json":
            return new Response("<html>ok</html>");
          case "ok-no-token":
            return Response.json({ token_type: "Bearer" });
          case "hang":
            return new Promise<Response>(() => {});
          default:
            return new Response("?", { status: 404 });
        }
      },
    });
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.stop(true));

  const cases: { scenario: string; want: "needs-login" | "upstream"; message: RegExp }[] = [
    { scenario: "invalid-grant", want: "needs-login", message: /rejected \(invalid_grant\)$/ },
    { scenario: "expired-code", want: "needs-login", message: /rejected \(refresh_token_expired\)$/ },
    { scenario: "invalidated-400", want: "needs-login", message: /rejected \(refresh_token_invalidated\)$/ },
    { scenario: "bare-401", want: "needs-login", message: /rejected \(HTTP 401\)$/ },
    { scenario: "e500", want: "upstream", message: /token refresh failed with HTTP 500 \(server_error\)$/ },
    { scenario: "e503-html", want: "upstream", message: /token refresh failed with HTTP 503$/ },
    { scenario: "e429", want: "upstream", message: /HTTP 429 \(rate_limited\)$/ },
    { scenario: "bad-request", want: "upstream", message: /HTTP 400 \(invalid_request\)$/ },
    { scenario: "ok-not-json", want: "upstream", message: /answered an unexpected body$/ },
    { scenario: "ok-no-token", want: "upstream", message: /answered an unexpected body$/ },
  ];
  for (const c of cases) {
    test(`${c.scenario} → ${c.want}`, async () => {
      const { ref, auth } = homeWith("acct-4", 30);
      const { hooks, seen } = recorder();
      const err = await new TokenManager({ refreshUrl: `${url}/${c.scenario}`, hooks })
        .current(ref)
        .catch((e: unknown) => e);
      if (c.want === "needs-login") {
        expect(err).toBeInstanceOf(AuthError);
        expect((err as AuthError).needsLogin).toBe(true);
        expect(seen.needsLogin.length).toBe(1);
        expect(seen.failed).toEqual([]);
      } else {
        expect(err).toBeInstanceOf(UpstreamError);
        expect(err).not.toBeInstanceOf(AuthError);
        expect(seen.needsLogin).toEqual([]);
        expect(seen.failed.length).toBe(1);
      }
      const message = (err as Error).message;
      expect(message).toMatch(c.message);
      expect(message).not.toContain("\n");
      expect(message).not.toContain(auth.tokens.refresh_token);
      // Nothing written on failure.
      expect(onDisk(ref.codexHome).tokens.refresh_token).toBe(auth.tokens.refresh_token);
    });
  }

  test("network failure → UpstreamError (retry later), never needs-login", async () => {
    const { ref } = homeWith("acct-4", 30);
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = closed.port;
    await closed.stop(true);
    const { hooks, seen } = recorder();
    const err = await new TokenManager({ refreshUrl: `http://127.0.0.1:${port}/oauth/token`, hooks })
      .current(ref)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).message).toMatch(/^profile "p1": token refresh failed: /);
    expect((err as UpstreamError).message).not.toContain("\n");
    expect(seen.needsLogin).toEqual([]);
    expect(seen.failed.length).toBe(1);
  });

  test("a token endpoint that never answers times out as UpstreamError", async () => {
    const { ref } = homeWith("acct-4", 30);
    const err = await new TokenManager({ refreshUrl: `${url}/hang`, timeoutMs: 200 })
      .current(ref)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).not.toBeInstanceOf(AuthError);
  });

  const noLogin: { name: string; write: (home: string) => void; why: RegExp }[] = [
    { name: "no auth.json", write: () => {}, why: /no login in .*auth\.json/ },
    {
      name: "API key",
      write: (h) => writeFileSync(authPath(h), JSON.stringify({ OPENAI_API_KEY: "sk-1" })),
      why: /holds an API key/,
    },
    { name: "corrupt", write: (h) => writeFileSync(authPath(h), "{"), why: /is not valid JSON/ },
  ];
  for (const c of noLogin) {
    test(`${c.name} → AuthError telling what to run`, async () => {
      const codexHome = temp();
      c.write(codexHome);
      const err = await new TokenManager({ refreshUrl: mock.refreshUrl })
        .current({ name: "px", codexHome })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).message).toMatch(c.why);
      expect((err as AuthError).hint).toBe("run: prodex login -p px");
    });
  }
});

describe("never an older login over a newer one", () => {
  test("another writer replaces auth.json while our refresh is in flight: theirs stays", async () => {
    const { ref } = homeWith("acct-1", 30);
    let theirs: AuthJson | null = null;
    // The other writer (Codex, `prodex login`) does not take our lock: it writes while we wait on the network.
    const racing = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      await Bun.sleep(5);
      theirs = mock.authFile("acct-1", { expiresInSeconds: 3600 });
      writeAuth(ref.codexHome, theirs);
      await Bun.sleep(5);
      return fetch(input, init);
    }) as typeof fetch;
    const { hooks, seen } = recorder();
    const got = await new TokenManager({ refreshUrl: mock.refreshUrl, fetch: racing, hooks }).current(ref);
    const written = theirs as AuthJson | null;
    if (!written) throw new Error("the racing writer did not run");
    expect(onDisk(ref.codexHome).tokens.refresh_token).toBe(written.tokens.refresh_token);
    expect(got.accessToken).toBe(written.tokens.access_token);
    expect(seen.refreshed).toEqual([]);
  });

  test("an older copy appearing meanwhile does not block our newer tokens", async () => {
    const { ref, auth } = homeWith("acct-1", 30);
    const older = {
      ...auth,
      tokens: { ...auth.tokens, refresh_token: "rt-stale-copy" },
      last_refresh: new Date(Date.parse(auth.last_refresh) - 3_600_000).toISOString(),
    };
    const racing = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      writeAuth(ref.codexHome, older);
      return fetch(input, init);
    }) as typeof fetch;
    const got = await new TokenManager({ refreshUrl: mock.refreshUrl, fetch: racing }).current(ref);
    expect(got.refreshToken).not.toBe("rt-stale-copy");
    expect(onDisk(ref.codexHome).tokens.refresh_token).toBe(got.refreshToken);
    expect(live("acct-1").refresh).toContain(got.refreshToken);
  });
});

describe("single flight", () => {
  test("in-process: many concurrent callers, one refresh, one token", async () => {
    const { ref, auth } = homeWith("acct-2", 30);
    const calls = mock.refreshCalls("acct-2");
    const tm = new TokenManager({ refreshUrl: mock.refreshUrl });
    const stale = auth.tokens.access_token;
    const got = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? tm.current(ref) : tm.refresh(ref, "proactive_expiry", stale))),
    );
    expect(mock.refreshCalls("acct-2")).toBe(calls + 1);
    expect(new Set(got.map((a) => a.accessToken)).size).toBe(1);
  });

  test("two managers in one process share the lock file: one refresh", async () => {
    const { ref } = homeWith("acct-2", 30);
    const calls = mock.refreshCalls("acct-2");
    const [a, b] = await Promise.all([
      new TokenManager({ refreshUrl: mock.refreshUrl }).current(ref),
      new TokenManager({ refreshUrl: mock.refreshUrl }).current(ref),
    ]);
    expect(mock.refreshCalls("acct-2")).toBe(calls + 1);
    expect(a.accessToken).toBe(b.accessToken);
  });

  // Also the refresh-lock race proof: the serialized stress suite repeats these (see the manifest).
  for (const n of [8, 16]) {
    test(`cross-process: ${n} processes, one expiring profile → exactly 1 refresh, same valid token everywhere`, async () => {
      const { ref } = homeWith("acct-3", 30);
      const calls = mock.refreshCalls("acct-3");
      const startAt = String(Date.now() + 1_500);
      const procs = Array.from({ length: n }, () =>
        Bun.spawn(["bun", WORKER, ref.codexHome, mock.refreshUrl, startAt], {
          stdout: "pipe",
          stderr: "pipe",
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
        }),
      );
      const results = await Promise.all(
        procs.map(async (p) => {
          const [out, err, code] = await Promise.all([
            new Response(p.stdout).text(),
            new Response(p.stderr).text(),
            p.exited,
          ]);
          expect(code, err).toBe(0);
          return JSON.parse(out) as { accessToken: string; refreshToken: string };
        }),
      );
      expect(mock.refreshCalls("acct-3")).toBe(calls + 1);
      const tokens = new Set(results.map((r) => r.accessToken));
      expect(tokens.size).toBe(1);
      const [token] = [...tokens];
      expect(onDisk(ref.codexHome).tokens.access_token).toBe(token as string);
      expect(live("acct-3").access).toContain(token as string);
      expect(live("acct-3").refresh).toContain(onDisk(ref.codexHome).tokens.refresh_token);
    }, 60_000);
  }
});

describe("Context wiring", () => {
  test("a dead refresh token marks the profile needs_login and logs one event", async () => {
    const dir = temp();
    const env = {
      HOME: join(dir, "home"),
      PRODEX_HOME: join(dir, "prodex"),
      PRODEX_SHARED_CODEX_HOME: join(dir, "shared"),
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
    };
    const ctx = new Context({ env });
    try {
      const row = addProfile(ctx, { name: "p1" });
      const auth = mock.authFile("acct-4", { expiresInSeconds: 30 });
      writeAuth(row.codexHome, auth);
      // Rotate it behind our back so that ours is a reused token.
      await fetch(mock.refreshUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
          grant_type: "refresh_token",
          refresh_token: auth.tokens.refresh_token,
        }),
      });
      const err = await ctx.tokens.current({ name: "p1", codexHome: row.codexHome }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(ctx.store.profiles.get("p1")?.authState).toBe("needs_login");
      const events = ctx.store.events.list({ kinds: ["auth.needs_login"] });
      expect(events.map((e) => e.message)).toEqual(["p1 needs login (refresh_token_reused): run prodex login -p p1"]);
    } finally {
      ctx.close();
    }
  });
});
