import { describe, expect, test } from "bun:test";
import { eventKinds, looseEvent, parsePoolEvent } from "./types.ts";
import { poolSnapshotSchema } from "./pool-view.ts";

const base = { id: 1, at: 1000, level: "info", profile: "p2", message: "p1 → p2: usage limit" };

describe("parsePoolEvent: what comes from outside is checked against the registry", () => {
  test.each([
    [
      "a rotation with its data",
      { ...base, kind: "rotation", data: { from: "p1", to: "p2", reason: "limit", kind: "quota", client: "ws" } },
      true,
    ],
    ["an event stored without data", { ...base, kind: "rotation" }, true],
    ["a kind with no data", { ...base, kind: "control" }, true],
    ["a rotation whose data is the wrong shape", { ...base, kind: "rotation", data: { from: 1 } }, false],
    ["a backoff with an unknown rest kind", { ...base, kind: "backoff", data: { reason: "bored", until: 5 } }, false],
    ["a kind this version does not know", { ...base, kind: "telepathy" }, false],
    ["a level that is not one", { ...base, kind: "control", level: "loud" }, false],
    ["not an object", "rotation", false],
  ] as const)("%s", (_, input, ok) => {
    const parsed = parsePoolEvent(input);
    expect(parsed !== null).toBe(ok);
    if (ok) expect(parsed).toEqual(input as never);
  });

  test("every kind is registered once", () => {
    expect(new Set(eventKinds).size).toBe(eventKinds.length);
    expect(eventKinds).toContain("rotation");
  });
});

describe("looseEvent (stored rows, fixtures)", () => {
  test("keeps data that fits its kind", () => {
    expect(looseEvent({ ...base, level: "info", kind: "backoff", data: { reason: "quota", until: 9 } })?.data).toEqual({
      reason: "quota",
      until: 9,
    });
  });
  test("drops data that does not, keeps the event", () => {
    const e = looseEvent({ ...base, level: "info", kind: "proxy.started", data: { port: "x" } });
    expect(e?.kind).toBe("proxy.started");
    expect(e?.data).toBeUndefined();
  });
  test("refuses a kind it does not know", () => {
    expect(looseEvent({ ...base, level: "info", kind: "telepathy" })).toBeNull();
  });
});

describe("poolSnapshotSchema", () => {
  const snap = { at: 1, current: "p1", pinned: null, autoRotate: true, profiles: [] };
  test("a snapshot validates", () => expect(poolSnapshotSchema.safeParse(snap).success).toBe(true));
  test("a profile with a bad status does not", () => {
    const bad = {
      ...snap,
      profiles: [
        {
          name: "p1",
          email: null,
          plan: null,
          status: "great",
          needsLogin: false,
          windows: [],
          fetchedAt: null,
          backoff: null,
          current: true,
          requests: 0,
          errors: 0,
          latencyMs: null,
        },
      ],
    };
    expect(poolSnapshotSchema.safeParse(bad).success).toBe(false);
  });
});
