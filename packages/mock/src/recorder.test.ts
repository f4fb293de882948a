import { expect, test } from "bun:test";
import { RequestLog, recordBody, recordHeaders, redact } from "./recorder.ts";

test("authorization and refresh tokens keep only their last 6 characters", () => {
  expect(redact("Bearer abcdefghijkl")).toBe("Bearer …ghijkl");
  expect(recordHeaders(new Headers({ Authorization: "Bearer secret-token-123456", "X-A": "1" }))).toEqual({
    authorization: "Bearer …123456",
    "x-a": "1",
  });
  expect(recordBody({ refresh_token: "rt_secret_abcdef", grant_type: "refresh_token" })).toEqual({
    refresh_token: "…abcdef",
    grant_type: "refresh_token",
  });
});

test("the log keeps the most recent entries and filters by path and account", () => {
  const log = new RequestLog(10);
  for (let i = 0; i < 250; i++) {
    log.add({
      time: i,
      transport: "http",
      method: "GET",
      path: i % 2 ? "/a" : "/b",
      query: "",
      headers: {},
      body: null,
      accountId: i % 3 ? "x" : "y",
      status: 200,
    });
  }
  const all = log.list();
  expect(all).toHaveLength(10);
  expect(all.at(-1)?.seq).toBe(250);
  expect(log.list({ path: "/a" }).every((r) => r.path === "/a")).toBe(true);
  expect(log.list({ path: "/a", accountId: "y" }).every((r) => r.path === "/a" && r.accountId === "y")).toBe(true);
});
