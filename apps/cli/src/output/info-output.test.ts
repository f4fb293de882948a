import { describe, expect, test } from "bun:test";
import type { PoolWindow } from "../ops/info/pool-summary.ts";
import { poolJson, poolWindowJson, runtimeOrder } from "./info-output.ts";
import { poolWindowSchema } from "./schemas/info.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const w = (o: Partial<PoolWindow>): PoolWindow => ({
  label: "5h",
  profiles: 2,
  remainingPercent: 140,
  capacityPercent: 200,
  averageRemainingPercent: 70,
  burnPercentPerHour: 10,
  runsOutAt: NOW + 14 * 3_600_000,
  nextResetAt: NOW + 3_600_000,
  ...o,
});

describe("poolWindowJson", () => {
  test.each<[string, Partial<PoolWindow>, { runsOutAt: string | null; runsOutInSeconds: number | null }]>([
    ["a run-out time", {}, { runsOutAt: "2026-03-02T02:00:00.000Z", runsOutInSeconds: 14 * 3600 }],
    ["no rate", { burnPercentPerHour: null, runsOutAt: null }, { runsOutAt: null, runsOutInSeconds: null }],
    ["already past", { runsOutAt: NOW - 5_000 }, { runsOutAt: "2026-03-01T11:59:55.000Z", runsOutInSeconds: 0 }],
  ])("%s", (_, o, expected) => {
    const json = poolWindowJson(w(o), NOW);
    expect(poolWindowSchema.parse(json)).toEqual(json);
    expect(json).toMatchObject(expected);
  });
});

test("poolJson takes the counts and the earliest run-out", () => {
  const json = poolJson(
    { profiles: 3, ready: 2, exhausted: 1, resting: 0, paused: 0, needsLogin: 0 },
    [w({})],
    NOW + 1_000,
    NOW,
  );
  expect(json).toMatchObject({ profiles: 3, ready: 2, runsOutAt: "2026-03-01T12:00:01.000Z" });
});

describe("runtimeOrder", () => {
  const rt = (id: string, kind: "proxy" | "broker" | "serve", url: string) => ({
    id,
    kind,
    pid: 1,
    alive: true,
    url,
    upstream: "u",
    startedAt: "2026-03-01T12:00:00.000Z",
    heartbeatAt: "2026-03-01T12:00:00.000Z",
  });
  test.each<[string, ReturnType<typeof rt>[], [string, boolean][]]>([
    ["nothing", [], []],
    ["a serve process alone", [rt("serve:1", "serve", "http://a")], [["serve:1", false]]],
    [
      "each broker followed by its launches",
      [
        rt("lease:1", "proxy", "http://b1"),
        rt("broker:k:1", "broker", "http://b1"),
        rt("serve:2", "serve", "http://s"),
        rt("broker:j:2", "broker", "http://b2"),
        rt("lease:2", "proxy", "http://b2"),
        rt("lease:3", "proxy", "http://b1"),
      ],
      [
        ["broker:k:1", false],
        ["lease:1", true],
        ["lease:3", true],
        ["serve:2", false],
        ["broker:j:2", false],
        ["lease:2", true],
      ],
    ],
    ["a launch whose broker is gone stays listed", [rt("lease:9", "proxy", "http://gone")], [["lease:9", true]]],
  ])("%s", (_, runtimes, want) => expect(runtimeOrder(runtimes).map((x) => [x.r.id, x.lease])).toEqual(want));
});
