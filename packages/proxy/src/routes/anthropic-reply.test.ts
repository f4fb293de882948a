import { describe, expect, test } from "bun:test";
import type { PoolSnapshot, ProfileView } from "@prodex/core";
import { profileView } from "@prodex/testkit/profile-view";
import { invalidRequest, statusFor, upstreamFailure } from "./anthropic-reply.ts";
import { poolExhausted } from "./pool-exhausted.ts";

function snap(profiles: ProfileView[], extra: Partial<PoolSnapshot> = {}): PoolSnapshot {
  return { at: 0, current: profiles[0]?.name ?? null, pinned: null, autoRotate: true, profiles, ...extra };
}

const quota = { reason: "quota", until: 10, message: null };
// Its 5-hour window is full until 10: availability reads the windows, not a status computed earlier.
const spent: Partial<ProfileView> = {
  status: "exhausted",
  windows: [{ label: "5h", usedPercent: 100, windowSeconds: 18_000, resetAt: 10, limit: "codex" }],
};
const transient = { reason: "transient", until: 10, message: null };

describe("poolExhausted", () => {
  const cases: [string, PoolSnapshot, boolean][] = [
    ["empty pool", snap([]), false],
    ["one ready account", snap([profileView("p1", spent), profileView("p2")]), false],
    ["all exhausted", snap([profileView("p1", spent), profileView("p2", spent)]), true],
    ["exhausted or quota-backed-off", snap([profileView("p1", spent), profileView("p2", { backoff: quota })]), true],
    [
      "a transient backoff can still recover",
      snap([profileView("p1", spent), profileView("p2", { backoff: transient })]),
      false,
    ],
    [
      "logged-out accounts count as used up",
      snap([profileView("p1", spent), profileView("p2", { needsLogin: true })]),
      true,
    ],
    [
      "without auto-rotate only the current one counts",
      snap([profileView("p1", spent), profileView("p2")], { autoRotate: false, current: "p1" }),
      true,
    ],
  ];
  test.each(cases)("%s", (_name, snapshot, expected) => {
    expect(poolExhausted(snapshot)).toBe(expected);
  });
});

describe("upstreamFailure", () => {
  const limit = JSON.stringify({ error: { type: "usage_limit_reached", message: "You've hit your usage limit." } });
  const cases: [string, number, string, PoolSnapshot, { status: number; type: string; retry: string | null }][] = [
    [
      "429 with the pool used up: no retry",
      429,
      limit,
      snap([profileView("p1", spent)]),
      { status: 429, type: "rate_limit_error", retry: "false" },
    ],
    [
      "429 with accounts left: Claude may retry",
      429,
      limit,
      snap([profileView("p1", spent), profileView("p2")]),
      { status: 429, type: "rate_limit_error", retry: null },
    ],
    [
      "503 pool unavailable",
      503,
      JSON.stringify({ error: { type: "server_error", code: "pool_unavailable", message: "No account…" } }),
      snap([profileView("p1", { backoff: transient })]),
      { status: 503, type: "overloaded_error", retry: null },
    ],
    [
      "400 from upstream",
      400,
      JSON.stringify({ error: { code: "context_length_exceeded", message: "too long" } }),
      snap([profileView("p1")]),
      { status: 400, type: "invalid_request_error", retry: null },
    ],
    [
      "401: the pool's logins, not Claude's key",
      401,
      "{}",
      snap([profileView("p1")]),
      { status: 502, type: "api_error", retry: "false" },
    ],
  ];
  test.each(cases)("%s", async (_name, status, body, snapshot, expected) => {
    const res = upstreamFailure(status, body, new Headers(), snapshot);
    expect(res.status).toBe(expected.status);
    expect(res.headers.get("x-should-retry")).toBe(expected.retry);
    const json = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(json.type).toBe("error");
    expect(json.error.type).toBe(expected.type);
    expect(json.error.message.length).toBeGreaterThan(0);
  });

  test("keeps the upstream message, rephrasing context overflow the way Claude Code compacts on", async () => {
    const res = upstreamFailure(
      400,
      JSON.stringify({ error: { code: "context_length_exceeded", message: "too long" } }),
      new Headers(),
      snap([profileView("p1")]),
    );
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("prompt is too long: too long");
  });

  test("passes retry-after on unless the pool is used up", () => {
    const h = new Headers({ "retry-after": "7" });
    expect(upstreamFailure(429, "{}", h, snap([profileView("p1"), profileView("p2")])).headers.get("retry-after")).toBe(
      "7",
    );
    expect(upstreamFailure(429, "{}", h, snap([profileView("p1", spent)])).headers.get("retry-after")).toBeNull();
  });
});

describe("small helpers", () => {
  test("invalidRequest is a non-retried Anthropic 400", async () => {
    const res = invalidRequest("bad body at messages.0");
    expect(res.status).toBe(400);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(await res.json()).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "bad body at messages.0" },
    });
  });

  test.each([
    ["rate_limit_error", 429],
    ["overloaded_error", 529],
    ["api_error", 500],
    ["invalid_request_error", 400],
  ] as const)("statusFor(%s) = %d", (type, status) => {
    expect(statusFor(type)).toBe(status);
  });
});
