import { describe, expect, test } from "bun:test";
import { applyCut, checkFault, nextOutcome, outcomeOf, randomOutcome, type Outcome } from "./faults.ts";
import { seeded } from "./prng.ts";
import { answerEvents, type ResponsePlan } from "./sse-answers.ts";
import type { MockFault } from "./types.ts";

const plan: ResponsePlan = {
  id: "resp_1",
  model: "gpt-5",
  createdAt: 1,
  answer: { kind: "text", text: "abc" },
  chunks: ["a", "b", "c"],
  reasoning: null,
  compaction: "x",
  inputTokens: 1,
};
const events = answerEvents(plan);

describe("outcomeOf", () => {
  test.each<[MockFault, Outcome["kind"], number | undefined]>([
    [{ kind: "usage_limit" }, "usage_limit", undefined],
    [{ kind: "rate_limit" }, "error", 429],
    [{ kind: "unauthorized" }, "error", 401],
    [{ kind: "server_error" }, "error", 500],
    [{ kind: "server_error", status: 502 }, "error", 502],
    [{ kind: "overloaded" }, "error", 503],
    [{ kind: "reset_before_first_byte" }, "reset", undefined],
    [{ kind: "slow_first_byte", delayMs: 50 }, "answer", undefined],
  ])("%o → %s %s", (fault, kind, status) => {
    const o = outcomeOf(fault);
    expect(o.kind).toBe(kind);
    if (o.kind === "error") expect(o.status).toBe(status ?? 0);
  });

  test("overloaded says server_is_overloaded", () => {
    const o = outcomeOf({ kind: "overloaded" });
    expect(o.kind === "error" && o.body.error.code).toBe("server_is_overloaded");
  });

  test("queued faults are consumed one per request", () => {
    const queue: MockFault[] = [{ kind: "rate_limit" }, { kind: "overloaded" }];
    const rng = seeded(1);
    expect(nextOutcome(queue, {}, rng).kind).toBe("error");
    expect(queue).toHaveLength(1);
    nextOutcome(queue, {}, rng);
    expect(nextOutcome(queue, {}, rng)).toEqual({ kind: "answer", delayMs: 0, cut: { kind: "none" } });
  });
});

describe("applyCut", () => {
  test("none keeps every event and completes", () => {
    expect(applyCut(events, { kind: "none" }, plan)).toEqual({ events, end: "complete" });
  });

  test("drop sends N events and never response.completed", () => {
    const s = applyCut(events, { kind: "drop", after: 3 }, plan);
    expect(s.end).toBe("drop");
    expect(s.events).toEqual(events.slice(0, 3));
    expect(
      applyCut(events, { kind: "drop", after: 999 }, plan).events.some((e) => e.type === "response.completed"),
    ).toBe(false);
  });

  test("fail_usage: response.created then response.failed with usage_limit_reached", () => {
    const s = applyCut(events, { kind: "fail_usage" }, plan);
    expect(s.events.map((e) => e.type)).toEqual(["response.created", "response.failed"]);
    expect(s.events[1]).toMatchObject({
      sequence_number: 1,
      response: { status: "failed", error: { code: "usage_limit_reached" } },
    });
  });

  test("fail_error always includes a text delta before response.failed", () => {
    const s = applyCut(events, { kind: "fail_error", after: 1 }, plan);
    const types = s.events.map((e) => e.type);
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-1)).toBe("response.failed");
    expect(s.events.at(-1)).toMatchObject({ response: { error: { code: "server_error" } } });
    const later = applyCut(events, { kind: "fail_error", after: 7 }, plan);
    expect(later.events).toHaveLength(8);
  });
});

describe("randomOutcome", () => {
  test("the same seed gives the same pattern; rates near 0 and 1 behave", () => {
    const run = (seed: number) => {
      const rng = seeded(seed);
      return Array.from({ length: 50 }, () => randomOutcome({ error: 0.3, quota: 0.2 }, rng)?.kind ?? "ok");
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set(["ok", "error", "usage_limit"]));
    const r = seeded(3);
    for (let i = 0; i < 20; i++) expect(randomOutcome({ error: 1 }, r)?.kind).toBe("error");
    for (let i = 0; i < 20; i++) expect(randomOutcome({}, r)).toBeNull();
  });
});

test("checkFault rejects nonsense with one clear line", () => {
  expect(() => checkFault({ kind: "server_error", status: 404 })).toThrow("fault server_error: status must be 5xx");
  expect(() => checkFault({ kind: "drop_after_events", events: -1 })).toThrow("events must be >= 0");
});
