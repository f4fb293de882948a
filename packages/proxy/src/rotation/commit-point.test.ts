import { describe, expect, test } from "bun:test";
import { CONNECTION_LIMIT, type HeldEvent, type Point, commitPoint } from "./commit-point.ts";

const NOW = 1_795_694_266_000;
const ev = (type: string | undefined, json: Record<string, unknown> | null = type ? { type } : null): HeldEvent => ({
  type,
  json,
});
const created = ev("response.created");
const delta = ev("response.output_text.delta");
const quotaFailed = ev("response.failed", {
  type: "response.failed",
  response: { error: { code: "usage_limit_reached", resets_at: 1795696066 } },
});
const rateError = ev("error", { type: "error", status: 429, error: { code: "rate_limit_exceeded" } });
const authError = ev("error", { type: "error", status: 401, error: { message: "expired" } });
const badRequest = ev("error", {
  type: "error",
  status: 400,
  error: { type: "invalid_request_error", message: "bad" },
});
const tooOld = ev("error", { type: "error", status: 400, error: { code: CONNECTION_LIMIT } });

describe("commitPoint", () => {
  const cases: [string, HeldEvent[], "open" | "ended", Point["kind"], string][] = [
    ["nothing yet: hold", [], "open", "hold", ""],
    [
      "announcements only: hold",
      [created, ev("response.in_progress"), ev("response.output_item.added")],
      "open",
      "hold",
      "",
    ],
    ["a usage snapshot is not output", [created, ev("codex.rate_limits")], "open", "hold", ""],
    ["the first output commits", [created, delta], "open", "commit", ""],
    ["a quota failure before output fails as quota", [created, quotaFailed], "open", "fail", "quota"],
    ["a rate limit before output fails as transient", [rateError], "open", "fail", "transient"],
    ["a 401 before output asks for a refresh", [authError], "open", "fail", "refresh"],
    ["a failure after output is the client's to see", [created, delta, quotaFailed], "open", "commit", ""],
    ["an invalid-request error is the answer: commit", [badRequest], "open", "commit", ""],
    ["the connection limit: reconnect", [created, tooOld], "open", "reconnect", ""],
    ["an untyped event is output", [ev(undefined, { foo: 1 })], "open", "commit", ""],
    ["ended with nothing but announcements: fail", [created], "ended", "fail", "transient"],
    ["ended after output: commit", [created, delta], "ended", "commit", ""],
  ];
  test.each(cases)("%s", (_, events, ended, kind, detail) => {
    const point = commitPoint(events, NOW, ended);
    expect(point.kind).toBe(kind);
    if (point.kind === "fail") expect(point.verdict.action === "refresh" ? "refresh" : point.verdict.kind).toBe(detail);
  });

  test("a quota failure carries its reset", () => {
    const point = commitPoint([quotaFailed], NOW);
    expect(point).toEqual({
      kind: "fail",
      verdict: { action: "rotate", kind: "quota", reason: expect.any(String), until: 1795696066000 },
    });
  });

  test("non-failure events are never parsed before commit", () => {
    let parsed = 0;
    const lazy: HeldEvent = {
      type: "response.output_text.delta",
      get json() {
        parsed++;
        return null;
      },
    };
    expect(commitPoint([created, lazy], NOW).kind).toBe("commit");
    expect(parsed).toBe(0);
  });
});
