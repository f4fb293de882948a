import { describe, expect, test } from "bun:test";
import { unavailableAnswer } from "./unavailable-answer.ts";

describe("a request that needs the database while it is down, in its client's shape", () => {
  const line = "prodex gateway: X, and the database is unreachable since 2026-01-01T00:00:00Z; retry when it is back";
  test.each([
    ["codex", { error: { type: "server_error", code: "database_unavailable", message: line } }],
    ["claude", { type: "error", error: { type: "api_error", message: line } }],
    ["openai", { error: { message: line, type: "server_error", param: null, code: "database_unavailable" } }],
  ] as const)("%s: a 503 with retry-after and the one line", async (client, body) => {
    const r = unavailableAnswer(client, line);
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("5");
    expect(await r.json()).toEqual(body);
  });
});
