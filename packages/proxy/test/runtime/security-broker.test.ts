import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { lstatSync } from "node:fs";
import { readAuth } from "@prodex/core";
import type { BrokerLease } from "../../src/broker/attach.ts";
import { readAdminSecret } from "../../src/broker/broker-paths.ts";
import { type BrokerWorld, brokerWorld, responsesRequest } from "../helpers/broker-world.ts";
import { httpText, rawRequest, reachableOffLoopback, upgradeText } from "../helpers/raw-http.ts";
import { fileSources, findLeaks } from "@prodex/testkit/leak-scan";

// The shared broker is the same proxy with leases: the same loopback-only, secret-only,
// no-browser rules on every route, plus its admin endpoints behind the admin secret, which
// lives in one 0600 file and nowhere else.

let w: BrokerWorld;
let lease: BrokerLease;
let admin = "";
beforeAll(async () => {
  w = await brokerWorld([{ id: "acct-a" }, { id: "acct-b" }], { PRODEX_BROKER_GRACE_MS: "60000" });
  lease = await w.attach({ profile: "p1" });
  admin = readAdminSecret(w.paths) ?? "";
  if (!admin) throw new Error("the broker wrote no admin secret");
}, 60_000);
afterAll(() => w.close(), 60_000);

const port = () => Number(new URL(lease.url).port);
const host = () => `127.0.0.1:${port()}`;
const ADMIN_ROUTES: [string, string, string][] = [
  ["GET", "/health", ""],
  ["GET", "/metrics", ""],
  ["GET", "/events", ""],
  ["POST", "/leases", JSON.stringify({ pid: process.pid, profile: null, autoRotate: true })],
  ["PUT", "/leases/0123456789ab", JSON.stringify({ pid: process.pid, profile: null, autoRotate: true })],
  ["DELETE", "/leases/0123456789ab", ""],
];

function req(method: string, path: string, body: string, headers: Record<string, string> = {}): string {
  return httpText(
    method,
    path,
    { Host: host(), "Content-Type": "application/json", Connection: "close", ...headers },
    body,
  );
}

describe("the broker", () => {
  test("listens on 127.0.0.1 only", async () => {
    expect(new URL(lease.url).hostname).toBe("127.0.0.1");
    const probe = await reachableOffLoopback(port());
    if (probe) expect(probe.connected, `connected to ${probe.address}:${port()}`).toBe(false);
  });

  test("admin endpoints: a missing, wrong, truncated or padded admin secret is a 401; a lease secret is not one", async () => {
    const wrong: [string, string][] = [
      ["wrong", "x".repeat(admin.length)],
      ["prefix", admin.slice(0, -1)],
      ["with extra chars", `${admin}x`],
      ["a lease's secret", lease.secret],
    ];
    for (const [method, path, body] of ADMIN_ROUTES) {
      for (const [why, secret] of wrong)
        expect(
          (await rawRequest(port(), req(method, `/__admin/${secret}${path}`, body))).status,
          `${method} ${path}: ${why}`,
        ).toBe(401);
      expect(
        (await rawRequest(port(), req(method, `/__admin/${path}`, body))).status,
        `${method} ${path}: missing`,
      ).toBe(401);
    }
    expect((await rawRequest(port(), req("GET", "/__admin", ""))).status).toBe(401);
    expect((await fetch(`${lease.url}/__admin/${admin}/health`)).status).toBe(200);
  });

  test("a lease secret opens the proxy routes while held; the admin secret and released leases do not", async () => {
    const other = await w.attach({ profile: "p2" });
    expect((await fetch(other.stateUrl)).status).toBe(200);
    await other.release();
    expect((await fetch(other.stateUrl)).status).toBe(401);
    expect((await fetch(`${lease.url}/k/${admin}/__prodex/state`)).status).toBe(401);
    expect((await fetch(`${lease.url}/s/${admin}/backend-api/wham/usage`)).status).toBe(401);
    expect((await fetch(`${lease.url}/v1/models`, { headers: { "x-api-key": admin } })).status).toBe(401);
    expect((await fetch(`${lease.url}/v1/models`, { headers: { "x-api-key": lease.secret } })).status).toBe(200);
    expect(
      (
        await rawRequest(
          port(),
          upgradeText(`/s/${other.pathId}/backend-api/codex/responses`, host(), { "X-Prodex-Key": other.secret }),
        )
      ).status,
    ).toBe(401);
    // A live lease's path id with its own secret upgrades; with the other (released) lease's secret it does not.
    expect(
      (
        await rawRequest(
          port(),
          upgradeText(`/s/${lease.pathId}/backend-api/codex/responses`, host(), { "X-Prodex-Key": other.secret }),
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await rawRequest(
          port(),
          upgradeText(`/s/${lease.pathId}/backend-api/codex/responses`, host(), { "X-Prodex-Key": lease.secret }),
        )
      ).status,
    ).toBe(101);
  });

  test("browser-style requests are refused on admin, lease and websocket routes", async () => {
    const forged: [string, Record<string, string>][] = [
      ["Origin", { Origin: "https://evil.example" }],
      ["Sec-Fetch-Site", { "Sec-Fetch-Site": "cross-site" }],
      ["rebinding Host", { Host: `evil.example:${port()}` }],
      ["wildcard-DNS Host", { Host: `127.0.0.1.nip.io:${port()}` }],
    ];
    const before = w.mock.requests().length;
    for (const [why, headers] of forged) {
      for (const [method, path, body] of ADMIN_ROUTES)
        expect(
          (await rawRequest(port(), req(method, `/__admin/${admin}${path}`, body, headers))).status,
          `admin ${path}: ${why}`,
        ).toBe(403);
      expect(
        (await rawRequest(port(), req("GET", `/k/${lease.secret}/__prodex/state`, "", headers))).status,
        `state: ${why}`,
      ).toBe(403);
      const { Host: h, ...rest } = headers;
      expect(
        (
          await rawRequest(
            port(),
            upgradeText(`/s/${lease.pathId}/backend-api/codex/responses`, h ?? host(), {
              "X-Prodex-Key": lease.secret,
              ...rest,
            }),
          )
        ).status,
        `ws: ${why}`,
      ).toBe(403);
    }
    expect(w.mock.requests().length).toBe(before);
  });

  test("malformed lease requests get a 400 and the broker keeps serving", async () => {
    const base = `/__admin/${admin}/leases`;
    const bad = [
      "{oops",
      "",
      "null",
      "[]",
      JSON.stringify({ pid: "1", profile: null, autoRotate: true }),
      JSON.stringify({ pid: -1, profile: null, autoRotate: true }),
      JSON.stringify({ pid: 1, profile: null, autoRotate: true, extra: 1 }),
      `${JSON.stringify({ pid: process.pid, profile: null, autoRotate: true })}${" ".repeat(70_000)}`,
    ];
    for (const body of bad) expect((await rawRequest(port(), req("POST", base, body))).status, body).toBe(400);
    expect(
      (
        await rawRequest(
          port(),
          req(
            "PUT",
            `${base}/0123456789ab`,
            JSON.stringify({ pid: 1, profile: null, autoRotate: true, secret: "short" }),
          ),
        )
      ).status,
    ).toBe(400);
    const burst = Array.from({ length: 20 }, (_, i) =>
      rawRequest(
        port(),
        i % 2
          ? crypto.getRandomValues(new Uint8Array(2048))
          : `POST ${base} HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: 999\r\n\r\n{`,
        { halfClose: true, waitMs: 2_000 },
      ),
    );
    for (const r of await Promise.all(burst)) expect(r.status < 500 || r.status === 505).toBe(true);
    const res = await responsesRequest(lease, "still serving?");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("hi from mock");
    expect((await fetch(`${lease.url}/__admin/${admin}/health`)).status).toBe(200);
  });

  test("the admin secret lives only in its 0600 file; health, metrics and logs carry no secret", async () => {
    expect(lstatSync(w.paths.dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(w.paths.secretFile).mode & 0o777).toBe(0o600);
    const res = await responsesRequest(lease, "one more");
    await res.text();
    const bodies = await Promise.all(
      ["/health", "/metrics"].map(async (p) => ({
        where: `admin ${p}`,
        text: await (await fetch(`${lease.url}/__admin/${admin}${p}`)).text(),
      })),
    );
    const secrets = [
      { label: "the admin secret", value: admin },
      { label: "the lease secret", value: lease.secret },
      ...w.names.flatMap((n) => {
        const auth = readAuth(w.ctx.store.profiles.get(n)?.codexHome ?? "");
        return auth.kind === "chatgpt"
          ? [
              { label: `${n}'s access token`, value: auth.accessToken },
              { label: `${n}'s refresh token`, value: auth.refreshToken },
            ]
          : [];
      }),
    ];
    await w.stopBrokers();
    const files = [
      ...fileSources(w.env.PRODEX_HOME as string, "PRODEX_HOME", (rel) => rel === "profiles"),
      ...fileSources(w.env.PRODEX_RUNTIME_LOG_DIR as string, "runtime log dir"),
    ];
    expect(files.some((f) => f.where.includes("prodex-runtime-"))).toBe(true);
    expect(findLeaks(secrets, [...bodies, ...files])).toEqual([]);
  });
});
