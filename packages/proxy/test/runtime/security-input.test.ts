import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { readAuth } from "@prodex/core";
import { type PoolFixture, eventTypes, poolFixture, postResponses, responsesBody } from "../helpers/pool-fixture.ts";
import { httpText, rawRequest, upgradeText } from "../helpers/raw-http.ts";

// Hostile input from a client that holds the secret (a confused or compromised agent): bodies too
// large (declared, streamed, or once decompressed), not JSON, not UTF-8, header tricks, garbage on
// the socket. Each gets one clear 4xx, never reaches an account, and the proxy keeps serving.

let f: PoolFixture;
beforeAll(async () => {
  f = await poolFixture([{ id: "acct-a" }, { id: "acct-b" }]);
});
afterAll(() => f.close());

const LIMIT = 64 * 1024 * 1024;
const host = () => `127.0.0.1:${f.proxy.port}`;
const codexPath = () => `/s/${f.proxy.pathId}/backend-api/codex/responses`;
/** The launch header, as a raw request line (Codex sends it from PRODEX_LAUNCH_KEY). */
const keyLine = () => `X-Prodex-Key: ${f.proxy.secret}\r\n`;
const upstreamCount = () => f.mock.requests().length;

/** The proxy still does its job: a Codex request streams an answer from an account. */
async function stillServes(): Promise<void> {
  const res = await postResponses(f, responsesBody("still there?"));
  expect(res.status).toBe(200);
  expect(eventTypes(await res.text())).toContain("response.completed");
}

/** A small body that decompresses to `copies` MiB: one compressed MiB of zeros, repeated (zstd frames and gzip members concatenate). */
function bomb(encoding: "zstd" | "gzip", copies: number): Uint8Array {
  const zeros = new Uint8Array(1024 * 1024);
  const one = encoding === "zstd" ? Bun.zstdCompressSync(zeros, { level: 19 }) : gzipSync(zeros, { level: 9 });
  const out = new Uint8Array(one.byteLength * copies);
  for (let i = 0; i < copies; i++) out.set(one, i * one.byteLength);
  return out;
}

type Route = { label: string; url: () => string; headers: () => Record<string, string> };
const ROUTES: Route[] = [
  { label: "Codex responses", url: () => `${f.proxy.codexBaseUrl}/responses`, headers: () => f.proxy.codexHeaders },
  {
    label: "Codex compact",
    url: () => `${f.proxy.codexBaseUrl}/responses/compact`,
    headers: () => f.proxy.codexHeaders,
  },
  {
    label: "Claude messages",
    url: () => `${f.proxy.url}/v1/messages`,
    headers: () => ({ "x-api-key": f.proxy.secret }),
  },
  {
    label: "Claude count_tokens",
    url: () => `${f.proxy.url}/v1/messages/count_tokens`,
    headers: () => ({ "x-api-key": f.proxy.secret }),
  },
  {
    label: "OpenAI responses",
    url: () => `${f.proxy.openaiBaseUrl}/responses`,
    headers: () => ({ authorization: `Bearer ${f.proxy.secret}` }),
  },
  {
    label: "OpenAI chat completions",
    url: () => `${f.proxy.openaiBaseUrl}/chat/completions`,
    headers: () => ({ authorization: `Bearer ${f.proxy.secret}` }),
  },
];

async function post(
  route: Route,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; message: string }> {
  const res = await fetch(route.url(), {
    method: "POST",
    headers: { "content-type": "application/json", ...route.headers(), ...headers },
    body,
  });
  const json = (await res.json()) as { error?: { message?: unknown } };
  return { status: res.status, message: String(json.error?.message ?? "") };
}

describe("oversized bodies", () => {
  test("a declared Content-Length over the limit is a 413 on every body route, answered before the body", async () => {
    const before = upstreamCount();
    const requests = [
      [
        "Codex responses",
        httpText(
          "POST",
          codexPath(),
          { Host: host(), "X-Prodex-Key": f.proxy.secret, "Content-Length": String(LIMIT + 1) },
          "{",
        ),
      ],
      [
        "Codex pass-through",
        httpText(
          "POST",
          `/s/${f.proxy.pathId}/backend-api/wham/tasks`,
          { Host: host(), "Content-Length": String(LIMIT + 1) },
          "{",
        ),
      ],
      [
        "Claude messages",
        httpText(
          "POST",
          "/v1/messages",
          { Host: host(), "x-api-key": f.proxy.secret, "Content-Length": String(LIMIT + 1) },
          "{",
        ),
      ],
      [
        "OpenAI chat completions",
        httpText(
          "POST",
          "/openai/v1/chat/completions",
          { Host: host(), Authorization: `Bearer ${f.proxy.secret}`, "Content-Length": String(LIMIT + 1) },
          "{",
        ),
      ],
    ] as const;
    for (const [label, text] of requests) {
      const r = await rawRequest(f.proxy.port, text);
      expect(r.status, label).toBe(413);
      expect(r.body, label).toContain(`exceeds the ${LIMIT}-byte limit`);
    }
    expect(upstreamCount()).toBe(before);
    await stillServes();
  });

  test("a streamed body without Content-Length is cut off at the limit with a 413", async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > LIMIT + 8 * chunk.byteLength) return c.close();
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const before = upstreamCount();
    const res = await fetch(`${f.proxy.codexBaseUrl}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", ...f.proxy.codexHeaders },
      body,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      `exceeds the ${LIMIT}-byte limit`,
    );
    expect(upstreamCount()).toBe(before);
    await stillServes();
  });
});

describe("bodies that are not what they claim", () => {
  const bad: [string, string | Uint8Array, Record<string, string>, number, RegExp][] = [
    ["malformed JSON", "{not json", {}, 400, /not (valid )?JSON/],
    ["truncated JSON", '{"model":"gpt-5","input":[', {}, 400, /not (valid )?JSON/],
    ["an empty body", "", {}, 400, /not (valid )?JSON/],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}, 400, /UTF-8/],
    ["an overlong UTF-8 '/'", new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), {}, 400, /UTF-8/],
    ["a UTF-8-encoded lone surrogate", new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), {}, 400, /UTF-8/],
    [
      "zstd that is not zstd",
      "not zstd at all",
      { "content-encoding": "zstd" },
      400,
      /says zstd but does not decompress/,
    ],
    ["an encoding the proxy cannot read", "{}", { "content-encoding": "br" }, 415, /content-encoding br/],
  ];
  for (const route of ROUTES) {
    test(`${route.label}: one clear 4xx line each, nothing sent upstream`, async () => {
      const before = upstreamCount();
      for (const [why, body, headers, status, message] of bad) {
        const r = await post(route, body, headers);
        expect(r.status, why).toBe(status);
        expect(r.message, why).toMatch(message);
        expect(r.message, why).not.toContain("\n");
      }
      expect(upstreamCount()).toBe(before);
    });
  }

  test("zstd and gzip bombs (KBs that expand to GiBs) are a 413, without inflating the proxy's memory", async () => {
    const before = upstreamCount();
    const rss = process.memoryUsage.rss();
    for (const [encoding, body] of [
      ["zstd", bomb("zstd", 4096)],
      ["gzip", bomb("gzip", 2048)],
    ] as const) {
      expect(body.byteLength).toBeLessThan(3 * 1024 * 1024);
      for (const route of [ROUTES[0], ROUTES[2]] as Route[]) {
        const r = await post(route, body, { "content-encoding": encoding });
        expect(r.status, `${encoding} → ${route.label}`).toBe(413);
        expect(r.message).toContain("once decompressed");
      }
    }
    // Decompression stops at the limit: nowhere near the GiBs the bodies describe.
    expect(process.memoryUsage.rss() - rss).toBeLessThan(1024 * 1024 * 1024);
    expect(upstreamCount()).toBe(before);
    await stillServes();
  });

  test("the admin and oauth routes refuse malformed JSON with a 400", async () => {
    for (const url of [f.proxy.controlUrl, f.proxy.refreshUrl]) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
      expect(res.status, url.replace(f.proxy.secret, "***")).toBe(400);
    }
    const pin = await fetch(f.proxy.controlUrl, { method: "POST", body: JSON.stringify({ pin: "../../etc\u0000" }) });
    expect(pin.status).toBe(404);
    expect(f.proxy.state.pool.pinned).toBeNull();
  });
});

describe("headers", () => {
  test("CR, LF, NUL and folding in a header never reach upstream: the request is refused at the door", async () => {
    const body = JSON.stringify(responsesBody());
    const tricks: [string, string][] = [
      ["bare CR in a value", "X-Note: a\rInjected: yes"],
      ["bare LF in a value", "X-Note: a\nInjected: yes"],
      ["NUL in a value", "X-Note: a\u0000Injected: yes"],
      ["obs-fold continuation", "X-Note: a\r\n Injected: yes"],
      ["CR in a name", "X-Note\r: a"],
      ["space before the colon", "Injected : yes"],
    ];
    const before = upstreamCount();
    for (const [why, line] of tricks) {
      const text = `POST ${codexPath()} HTTP/1.1\r\nHost: ${host()}\r\n${keyLine()}Content-Type: application/json\r\n${line}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      expect((await rawRequest(f.proxy.port, text)).status, why).toBe(400);
    }
    expect(upstreamCount()).toBe(before);
    // Nor can a header value with a line break be built on the way out (the proxy forwards through Headers).
    expect(() => new Headers({ "x-note": "a\r\ninjected: yes" })).toThrow();
    await stillServes();
    expect(f.mock.requests().some((r) => "injected" in r.headers)).toBe(false);
  });

  test("request smuggling shapes (Content-Length with Transfer-Encoding, two lengths) are refused", async () => {
    const before = upstreamCount();
    const smuggle = [
      `POST ${codexPath()} HTTP/1.1\r\nHost: ${host()}\r\n${keyLine()}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST ${codexPath()} HTTP/1.1\r\nHost: ${host()}\r\n${keyLine()}Content-Length: 2\r\nContent-Length: 4\r\n\r\n{}{}`,
    ];
    for (const text of smuggle) expect((await rawRequest(f.proxy.port, text)).status).toBe(400);
    expect(upstreamCount()).toBe(before);
  });

  test("hop-by-hop headers, cookies and the client's credentials are not forwarded; the account's are", async () => {
    const body = JSON.stringify(responsesBody());
    const text = httpText(
      "POST",
      codexPath(),
      {
        Host: host(),
        "X-Prodex-Key": f.proxy.secret,
        "Content-Type": "application/json",
        // `close` so the raw reader sees the end of the streamed answer.
        Connection: "close, X-Hop-Secret",
        "X-Hop-Secret": "listed-in-connection",
        "Keep-Alive": "timeout=5",
        TE: "trailers",
        Trailer: "X-Checksum",
        "Proxy-Authorization": "Basic dXNlcjpwYXNz",
        "Proxy-Connection": "keep-alive",
        Cookie: "session=client-cookie",
        Authorization: "Bearer client-own-token-0123456789",
        "X-Api-Key": "client-own-api-key",
        "ChatGPT-Account-Id": "acct-client",
        "X-Codex-Note": "kept",
      },
      body,
    );
    const r = await rawRequest(f.proxy.port, text);
    expect(r.status).toBe(200);
    const seen = f.mock.requests({ path: "/backend-api/codex/responses" }).at(-1);
    if (!seen) throw new Error("the mock saw no request");
    const h = seen.headers;
    for (const name of [
      "x-hop-secret",
      "keep-alive",
      "te",
      "trailer",
      "proxy-authorization",
      "proxy-connection",
      "cookie",
      "x-api-key",
      "x-prodex-key",
    ])
      expect(h[name], name).toBeUndefined();
    expect(h.connection ?? "").not.toContain("x-hop-secret");
    expect(h["x-codex-note"]).toBe("kept");
    // The mock keeps the last 6 characters of the bearer: the account's token, not the client's.
    const auth = readAuth(f.proxy.state.pool.row(f.names[0] ?? "")?.codexHome ?? "");
    if (auth.kind !== "chatgpt") throw new Error("p1 has no login");
    expect(h.authorization).toBe(`Bearer …${auth.accessToken.slice(-6)}`);
    expect(h["chatgpt-account-id"]).toBe("acct-a");
    expect(JSON.stringify(h)).not.toContain(f.proxy.secret);
  });

  test("the websocket handshake upstream carries the account's credentials only", async () => {
    const r = await rawRequest(
      f.proxy.port,
      upgradeText(codexPath(), host(), {
        "X-Prodex-Key": f.proxy.secret,
        Authorization: "Bearer client-own-token-0123456789",
        "X-Api-Key": "client-own-api-key",
        Cookie: "session=client-cookie",
      }),
    );
    expect(r.status).toBe(101);
    const seen = f.mock
      .requests({ path: "/backend-api/codex/responses" })
      .filter((q) => q.status === 101)
      .at(-1);
    if (!seen) throw new Error("the mock saw no websocket handshake");
    expect(seen.headers.authorization).not.toContain("456789");
    for (const name of ["x-api-key", "cookie", "x-prodex-key"]) expect(seen.headers[name], name).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(f.proxy.secret);
  });

  test("Claude's key (x-api-key or Bearer) and cookies never go upstream", async () => {
    const res = await fetch(`${f.proxy.url}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": f.proxy.secret,
        cookie: "session=client-cookie",
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 32, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const seen = f.mock.requests({ path: "/backend-api/codex/responses" }).at(-1);
    if (!seen) throw new Error("the mock saw no request");
    expect(JSON.stringify(seen.headers)).not.toContain(f.proxy.secret);
    for (const name of ["x-api-key", "cookie", "anthropic-version"]) expect(seen.headers[name], name).toBeUndefined();
  });
});

describe("nesting", () => {
  // A schema nested far past any real one: refused where the body enters (a 400 naming the
  // limit), not by the translation's recursion running out of stack (it was a 500).
  test("a Claude tool input_schema nested 20 000 deep → 400 invalid_request_error naming the depth limit, nothing sent", async () => {
    // Written as text: building it as an object and stringifying would overflow in the test itself.
    const schema = `${'{"type":"object","properties":{"x":'.repeat(20_000)}{"type":"string"}${"}}".repeat(20_000)}`;
    const head = JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 32,
      messages: [{ role: "user", content: "hi" }],
    }).slice(0, -1);
    const before = upstreamCount();
    const res = await fetch(`${f.proxy.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": f.proxy.secret, "anthropic-version": "2023-06-01" },
      body: `${head},"tools":[{"name":"deep","input_schema":${schema}}]}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("deeper than 512 levels, the limit");
    expect(upstreamCount()).toBe(before);
    await stillServes();
  });
});

describe("garbage on the socket", () => {
  test("a burst of random bytes, broken HTTP and half-closed sockets leaves the proxy serving", async () => {
    const h = host();
    const s = f.proxy.secret;
    const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const payloads: [string, string | Uint8Array, boolean][] = [
      ["random bytes", random(512), false],
      ["more random bytes", random(60_000), false],
      ["random bytes, half-closed", random(4_096), true],
      ["HTTP/0.9", "GET /\r\n", false],
      ["unknown HTTP version", `GET / HTTP/9.9\r\nHost: ${h}\r\n\r\n`, false],
      ["a request line only, half-closed", `POST ${codexPath()} HTTP/1.1\r\n`, true],
      ["headers without the blank line, half-closed", `GET /k/${s}/__prodex/state HTTP/1.1\r\nHost: ${h}\r\n`, true],
      [
        "a body shorter than its Content-Length, half-closed",
        `POST ${codexPath()} HTTP/1.1\r\nHost: ${h}\r\n${keyLine()}Content-Length: 1000\r\n\r\n{"model":`,
        true,
      ],
      [
        "a broken chunk size",
        `POST ${codexPath()} HTTP/1.1\r\nHost: ${h}\r\n${keyLine()}Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n`,
        false,
      ],
      [
        "a chunked body cut short, half-closed",
        `POST ${codexPath()} HTTP/1.1\r\nHost: ${h}\r\n${keyLine()}Transfer-Encoding: chunked\r\n\r\n100\r\n{"input":`,
        true,
      ],
      [
        "a Claude body cut short, half-closed",
        `POST /v1/messages HTTP/1.1\r\nHost: ${h}\r\nx-api-key: ${s}\r\nContent-Length: 500\r\n\r\n{"messages":[`,
        true,
      ],
      [
        "a 200 KB header",
        `GET /k/${s}/__prodex/state HTTP/1.1\r\nHost: ${h}\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\n`,
        false,
      ],
      ["a 200 KB URL", `GET /k/${s}/__prodex/state?${"a".repeat(200_000)} HTTP/1.1\r\nHost: ${h}\r\n\r\n`, false],
      [
        "a handshake then garbage frames",
        `${upgradeText(codexPath(), h, { "X-Prodex-Key": s })}${"\u0081\u00ff".repeat(50)}`,
        false,
      ],
      ["nothing at all, half-closed", "", true],
    ];
    const burst = Array.from({ length: 3 }, () => payloads).flat();
    const replies = await Promise.all(
      burst.map(([, data, half]) => rawRequest(f.proxy.port, data, { halfClose: half, waitMs: 2_000 })),
    );
    // Whatever each got (a 4xx, or a closed socket), none was a server error.
    for (const [i, r] of replies.entries()) expect(r.status >= 500 && r.status !== 505, burst[i]?.[0]).toBe(false);
    await stillServes();
    expect((await fetch(f.proxy.stateUrl)).status).toBe(200);
  });
});
