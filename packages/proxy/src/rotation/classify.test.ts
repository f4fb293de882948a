import { describe, expect, test } from "bun:test";
import { classifyEarlyEvent, classifyNetworkError, classifyResponse, errorInfo } from "./classify.ts";
import { isHoldEvent } from "./commit-point.ts";

const NOW = 1_795_694_266_000;
const quota = {
  error: {
    type: "usage_limit_reached",
    message: "The usage limit has been reached",
    plan_type: "plus",
    resets_at: 1795696066,
    resets_in_seconds: 1800,
  },
};

describe("classifyResponse", () => {
  const cases: [
    string,
    number,
    Record<string, string>,
    unknown,
    { action: string; kind?: string; until?: number | null },
  ][] = [
    ["200 commits", 200, {}, null, { action: "commit" }],
    [
      "429 usage_limit_reached rotates with its reset",
      429,
      {},
      quota,
      { action: "rotate", kind: "quota", until: 1795696066000 },
    ],
    [
      "insufficient_quota rotates as quota",
      429,
      {},
      { error: { code: "insufficient_quota", message: "x" } },
      { action: "rotate", kind: "quota", until: null },
    ],
    [
      "resets_in_seconds when no resets_at",
      429,
      {},
      { error: { type: "usage_limit_reached", resets_in_seconds: 60 } },
      { action: "rotate", kind: "quota", until: NOW + 60_000 },
    ],
    [
      "quota reset from x-codex headers",
      429,
      { "x-codex-primary-used-percent": "100", "x-codex-primary-reset-at": "1795697866" },
      { error: { type: "usage_limit_reached" } },
      { action: "rotate", kind: "quota", until: 1795697866000 },
    ],
    [
      "429 rate_limit_exceeded is transient",
      429,
      { "retry-after": "7" },
      { error: { code: "rate_limit_exceeded" } },
      { action: "rotate", kind: "transient", until: NOW + 7000 },
    ],
    ["bare 429 is transient", 429, {}, "not json", { action: "rotate", kind: "transient", until: null }],
    ["401 refreshes", 401, {}, { error: { message: "expired" } }, { action: "refresh" }],
    ["500 rotates as overload", 500, {}, null, { action: "rotate", kind: "overload" }],
    [
      "503 server_is_overloaded",
      503,
      {},
      { error: { code: "server_is_overloaded" } },
      { action: "rotate", kind: "overload" },
    ],
    [
      "at capacity message",
      400,
      {},
      { error: { message: "Model is at capacity, try again" } },
      { action: "rotate", kind: "overload" },
    ],
    [
      "400 invalid request passes through",
      400,
      {},
      { error: { type: "invalid_request_error", message: "bad input" } },
      { action: "commit" },
    ],
    ["404 passes through", 404, {}, null, { action: "commit" }],
  ];
  test.each(cases)("%s", (_, status, headers, body, want) => {
    const v = classifyResponse(status, new Headers(headers), body, NOW);
    expect(v).toMatchObject(want);
  });
});

describe("classifyEarlyEvent", () => {
  const cases: { name: string; event: Record<string, unknown>; action: string | null; kind?: string }[] = [
    { name: "ordinary event", event: { type: "response.output_text.delta", delta: "hi" }, action: null },
    {
      name: "response.failed usage limit (code)",
      event: { type: "response.failed", response: { error: { code: "usage_limit_reached", message: "limit" } } },
      action: "rotate",
      kind: "quota",
    },
    {
      name: "ws error frame 429",
      event: { type: "error", status: 429, error: { type: "usage_limit_reached", resets_at: 1795696066 } },
      action: "rotate",
      kind: "quota",
    },
    {
      name: "ws error frame with status_code",
      event: { type: "error", status_code: 503, error: { type: "server_error" } },
      action: "rotate",
      kind: "overload",
    },
    {
      name: "response.failed server overloaded",
      event: { type: "response.failed", response: { error: { code: "server_is_overloaded" } } },
      action: "rotate",
      kind: "overload",
    },
    {
      name: "response.failed invalid prompt commits",
      event: { type: "response.failed", response: { error: { code: "invalid_prompt", message: "no" } } },
      action: "commit",
    },
    {
      name: "error 401 refreshes",
      event: { type: "error", status: 401, error: { message: "bad token" } },
      action: "refresh",
    },
  ];
  test.each(cases)("$name", ({ event, action, kind }) => {
    const v = classifyEarlyEvent(event, NOW);
    if (action === null) {
      expect(v).toBeNull();
      return;
    }
    expect(v?.action).toBe(action as NonNullable<typeof v>["action"]);
    if (kind) expect(v).toMatchObject({ kind });
  });
});

describe("a websocket error frame rests the account as its HTTP answer would", () => {
  test.each([
    [
      "Retry-After in the frame's headers",
      { type: "error", status: 429, error: { code: "rate_limit_exceeded" }, headers: { "retry-after": "7" } },
      429,
      { "retry-after": "7" },
      { code: "rate_limit_exceeded" },
    ],
    [
      "a usage reset in the frame's headers",
      {
        type: "error",
        status: 429,
        error: { type: "usage_limit_reached" },
        headers: { "x-codex-primary-used-percent": 100, "x-codex-primary-reset-at": "1795697866" },
      },
      429,
      { "x-codex-primary-used-percent": "100", "x-codex-primary-reset-at": "1795697866" },
      { error: { type: "usage_limit_reached" } },
    ],
    [
      "an overload with Retry-After",
      { type: "error", status: 503, error: { code: "server_is_overloaded" }, headers: { "retry-after": "3" } },
      503,
      { "retry-after": "3" },
      { error: { code: "server_is_overloaded" } },
    ],
  ] as const)("%s", (_, frame, status, headers, body) => {
    const ws = classifyEarlyEvent(frame as Record<string, unknown>, NOW);
    const http = classifyResponse(
      status,
      new Headers(headers as Record<string, string>),
      "error" in body ? body : { error: body },
      NOW,
    );
    expect(ws).toMatchObject({
      action: "rotate",
      kind: (http as { kind: string }).kind,
      until: (http as { until: number }).until,
    });
    expect((ws as { until: number | null }).until).not.toBeNull();
  });
});

describe("helpers", () => {
  test("errorInfo reads nested shapes", () => {
    expect(errorInfo(quota)?.resetsAt).toBe(1795696066);
    expect(errorInfo({ type: "response.failed", response: { error: { code: "x" } } })?.code).toBe("x");
    expect(errorInfo("nope")).toBeNull();
  });
  test("network errors rotate", () => {
    expect(classifyNetworkError(new Error("ECONNREFUSED"))).toMatchObject({ action: "rotate", kind: "transient" });
  });
  test.each([
    ["response.created", true],
    ["response.in_progress", true],
    ["response.queued", true],
    ["response.output_item.added", true],
    ["response.content_part.added", true],
    ["response.output_text.delta", false],
    ["response.reasoning_summary_text.delta", false],
    ["response.completed", false],
    ["response.failed", false],
  ] as const)("hold event %s → %p", (type, hold) => {
    expect(isHoldEvent(type)).toBe(hold);
  });
});
