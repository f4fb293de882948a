import { describe, expect, test } from "bun:test";
import type { PoolWindow } from "../ops/info/pool-summary.ts";
import { poolJson, poolWindowJson } from "./info-output.ts";
import { poolWindowSchema } from "./schemas/info.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const w = (o: Partial<PoolWindow>): PoolWindow => ({ label: "5h", profiles: 2, remainingPercent: 140, capacityPercent: 200, averageRemainingPercent: 70, burnPercentPerHour: 10, runsOutAt: NOW + 14 * 3_600_000, nextResetAt: NOW + 3_600_000, ...o });

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
  const json = poolJson({ profiles: 3, ready: 2, exhausted: 1, needsLogin: 0 }, [w({})], NOW + 1_000, NOW);
  expect(json).toMatchObject({ profiles: 3, ready: 2, runsOutAt: "2026-03-01T12:00:01.000Z" });
});
