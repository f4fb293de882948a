import { expect, test } from "bun:test";
import { carriesResponse, outcomeOf, withCaller } from "./request-ledger.ts";

const scope = { id: "launch", profile: null, autoRotate: true, models: null };

test.each([
  [{ aborted: true, broken: true, terminal: "response.completed", streamed: true, status: 200 }, "aborted"],
  [{ aborted: false, broken: true, terminal: null, streamed: true, status: 200 }, "broken"],
  [{ aborted: false, broken: false, terminal: "response.completed", streamed: true, status: 200 }, "completed"],
  [{ aborted: false, broken: false, terminal: "response.incomplete", streamed: true, status: 200 }, "incomplete"],
  [{ aborted: false, broken: false, terminal: "error", streamed: true, status: 200 }, "error"],
  [{ aborted: false, broken: false, terminal: null, streamed: true, status: 200 }, "error"],
  [{ aborted: false, broken: false, terminal: null, streamed: false, status: 200 }, "completed"],
  [{ aborted: false, broken: false, terminal: null, streamed: false, status: 400 }, "error"],
] as const)("outcome of %j is %s", (end, outcome) => {
  expect(outcomeOf(end)).toBe(outcome);
});

test.each([
  [undefined, undefined],
  ["", undefined],
  ["dev-laptop-1", "dev-laptop-1"],
  ["  ci\u001b[31m-bot  ", "ci\\u{1b}[31m-bot"],
  ["x".repeat(200), "x".repeat(80)],
])("caller header %j labels the launch as %j", (header, caller) => {
  expect(withCaller(scope, header).caller).toBe(caller);
});

test.each([
  ["response.created", true],
  ["response.completed", true],
  ["response.failed", true],
  ["response.output_text.delta", false],
  [undefined, false],
])("%s carries the response object: %p", (type, carries) => {
  expect(carriesResponse(type)).toBe(carries);
});
