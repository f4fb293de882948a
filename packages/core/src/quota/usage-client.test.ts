import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { UpstreamError } from "../errors.ts";
import { DEFAULT_CHATGPT_BASE, fetchUsage, resolveChatgptBase, usageUrl } from "./usage-client.ts";

describe("usageUrl", () => {
  const cases: [string, string][] = [
    ["https://chatgpt.com/backend-api", "https://chatgpt.com/backend-api/wham/usage"],
    ["https://chatgpt.com/backend-api/", "https://chatgpt.com/backend-api/wham/usage"],
    ["http://127.0.0.1:5/backend-api", "http://127.0.0.1:5/backend-api/wham/usage"],
    ["http://127.0.0.1:5/s/secret/backend-api", "http://127.0.0.1:5/s/secret/backend-api/wham/usage"],
    ["http://127.0.0.1:5", "http://127.0.0.1:5/api/codex/usage"],
    ["http://127.0.0.1:5/", "http://127.0.0.1:5/api/codex/usage"],
    ["https://codex.example.test/prefix", "https://codex.example.test/prefix/api/codex/usage"],
    // Codex's backend client adds /backend-api to a bare ChatGPT host.
    ["https://chatgpt.com", "https://chatgpt.com/backend-api/wham/usage"],
    ["https://chat.openai.com/", "https://chat.openai.com/backend-api/wham/usage"],
  ];
  for (const [base, want] of cases) test(`${base} → ${want}`, () => expect(usageUrl(base)).toBe(want));
});

describe("resolveChatgptBase", () => {
  const cases: { name: string; flag?: string; env: Record<string, string | undefined>; want: string }[] = [
    { name: "default", env: {}, want: DEFAULT_CHATGPT_BASE },
    {
      name: "env over default",
      env: { CODEX_CHATGPT_BASE_URL: "http://127.0.0.1:1/backend-api/" },
      want: "http://127.0.0.1:1/backend-api",
    },
    {
      name: "flag over env",
      flag: "http://127.0.0.1:2/backend-api//",
      env: { CODEX_CHATGPT_BASE_URL: "http://127.0.0.1:1/backend-api" },
      want: "http://127.0.0.1:2/backend-api",
    },
    {
      name: "empty flag and env fall through",
      flag: "",
      env: { CODEX_CHATGPT_BASE_URL: "" },
      want: DEFAULT_CHATGPT_BASE,
    },
  ];
  for (const c of cases) test(c.name, () => expect(resolveChatgptBase(c.flag, c.env)).toBe(c.want));
});

const USAGE = {
  plan_type: "plus",
  rate_limit: { primary_window: { used_percent: 12, limit_window_seconds: 18_000, reset_at: 1_795_697_866 } },
};

let server: Server<undefined>;
let base: string;
const seen: { path: string; auth: string | null; account: string | null }[] = [];

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(req) {
      const url = new URL(req.url);
      const [, scenario] = url.pathname.split("/");
      seen.push({
        path: url.pathname,
        auth: req.headers.get("authorization"),
        account: req.headers.get("chatgpt-account-id"),
      });
      switch (scenario) {
        case "ok":
          return Response.json(USAGE);
        case "html":
          return new Response("<html>captive portal</html>", { headers: { "content-type": "text/html" } });
        case "partial":
          return new Response('{"plan_type":"plus","rate_limit":{"primary_window":{"used_p');
        case "shape":
          return Response.json({ rate_limit: "nope" });
        case "e500":
          return new Response("upstream exploded\nwith a second line", { status: 500 });
        case "e401":
          return Response.json({ error: { code: "token_expired" } }, { status: 401 });
        case "hang":
          return new Promise<Response>(() => {});
        case "stall":
          return new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"plan_type":'));
              },
            }),
          );
        default:
          return new Response("not found", { status: 404 });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

const call = (scenario: string, extra: { connectTimeoutMs?: number; totalTimeoutMs?: number } = {}) =>
  fetchUsage({ base: `${base}/${scenario}/backend-api`, accessToken: "at-123", accountId: "acct-1", ...extra });

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(e)}`);
  // One clear line for the user: no newlines, names where it went.
  expect(e.message).not.toContain("\n");
  return e;
}

describe("fetchUsage", () => {
  test("reads the usage answer and sends Bearer + chatgpt-account-id", async () => {
    const r = await call("ok");
    expect(r.status).toBe(200);
    expect(r.usage.rate_limit?.primary_window?.used_percent).toBe(12);
    expect(JSON.parse(r.raw)).toEqual(USAGE);
    expect(seen.at(-1)).toEqual({ path: "/ok/backend-api/wham/usage", auth: "Bearer at-123", account: "acct-1" });
  });

  test("a base without /backend-api uses /api/codex/usage", async () => {
    const r = await fetchUsage({ base: `${base}/ok`, accessToken: "t", accountId: "a" });
    expect(r.usage.plan_type).toBe("plus");
    expect(seen.at(-1)?.path).toBe("/ok/api/codex/usage");
  });

  const cases: { name: string; scenario: string; status: number | undefined; message: RegExp }[] = [
    {
      name: "HTML instead of JSON",
      scenario: "html",
      status: 200,
      message: /^usage answer from http:\/\/127\.0\.0\.1:\d+\/html\/backend-api\/wham\/usage is not JSON$/,
    },
    { name: "truncated JSON", scenario: "partial", status: 200, message: /is not JSON/ },
    {
      name: "JSON of the wrong shape",
      scenario: "shape",
      status: 200,
      message: /has an unexpected shape \(at rate_limit\)/,
    },
    {
      name: "HTTP 500 (multi-line body not echoed)",
      scenario: "e500",
      status: 500,
      message: /^usage request failed: HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/e500\/backend-api\/wham\/usage$/,
    },
    {
      name: "HTTP 401 keeps its status for the caller's token retry",
      scenario: "e401",
      status: 401,
      message: /HTTP 401/,
    },
    { name: "HTTP 404", scenario: "nothing-here", status: 404, message: /HTTP 404/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const e = await failure(call(c.scenario));
      expect(e.status).toBe(c.status);
      expect(e.message).toMatch(c.message);
    });
  }

  test("no answer at all: a connect timeout", async () => {
    const e = await failure(call("hang", { connectTimeoutMs: 150, totalTimeoutMs: 5_000 }));
    expect(e.message).toMatch(
      /^usage request to http:\/\/127\.0\.0\.1:\d+\/hang\/backend-api\/wham\/usage timed out after 0\.15s \(no answer\)$/,
    );
    expect(e.hint).toContain("--base-url");
    expect(e.status).toBeUndefined();
  });

  test("an answer that stops mid-body: the total timeout", async () => {
    const e = await failure(call("stall", { connectTimeoutMs: 2_000, totalTimeoutMs: 300 }));
    expect(e.message).toMatch(/timed out after 0\.3s \(answer incomplete\)$/);
  });

  test("connection refused names the URL", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const port = closed.port;
    await closed.stop(true);
    const e = await failure(
      fetchUsage({ base: `http://127.0.0.1:${port}/backend-api`, accessToken: "t", accountId: "a" }),
    );
    expect(e.message).toContain(`usage request to http://127.0.0.1:${port}/backend-api/wham/usage failed`);
    expect(e.status).toBeUndefined();
  });

  test("secrets never appear in the error", async () => {
    for (const scenario of ["html", "e500", "e401", "shape"]) {
      const e = await failure(call(scenario));
      expect(`${e.message} ${e.hint ?? ""}`).not.toContain("at-123");
    }
  });
});
