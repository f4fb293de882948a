import { describe, expect, test } from "bun:test";
import type { PoolEvent } from "@prodex/core/types";
import { sampleEvents, sampleSnapshot } from "../ui/fixtures.ts";
import {
  applyFeedMessage,
  initPoolState,
  mainWindows,
  poolTotals,
  rotationInfo,
  servingProfile,
} from "./pool-state.ts";

const now = 1_700_000_000_000;

describe("pool state", () => {
  test("init keeps the events and finds the last rotation", () => {
    const s = initPoolState(sampleSnapshot(now), sampleEvents(now));
    expect(s.events).toHaveLength(7);
    expect(s.lastRotation?.id).toBe(5);
    expect(Object.keys(s.history).sort()).toEqual(["backup", "personal", "work"]);
  });

  test("events append once, rotations are remembered", () => {
    let s = initPoolState(sampleSnapshot(now), sampleEvents(now));
    const rot: PoolEvent = {
      id: 8,
      at: now,
      kind: "rotation",
      level: "info",
      profile: "personal",
      message: "work → personal",
    };
    s = applyFeedMessage(s, { type: "event", event: rot });
    s = applyFeedMessage(s, { type: "event", event: rot });
    expect(s.events.map((e) => e.id).slice(-2)).toEqual([7, 8]);
    expect(s.lastRotation).toBe(rot);
  });

  test("history grows only with newer fetches", () => {
    let s = initPoolState(sampleSnapshot(now));
    s = applyFeedMessage(s, { type: "snapshot", snapshot: sampleSnapshot(now) });
    expect(s.history.work).toHaveLength(1);
    s = applyFeedMessage(s, { type: "snapshot", snapshot: sampleSnapshot(now + 60_000) });
    expect(s.history.work?.map((p) => p.used)).toEqual([62, 62]);
  });

  test("the event tail is bounded", () => {
    let s = initPoolState(sampleSnapshot(now));
    for (let i = 1; i <= 600; i++)
      s = applyFeedMessage(s, {
        type: "event",
        event: { id: i, at: i, kind: "request.completed", level: "info", profile: "work", message: "ok" },
      });
    expect(s.events).toHaveLength(500);
    expect(s.events[0]?.id).toBe(101);
  });
});

describe("selectors", () => {
  const snap = sampleSnapshot(now);
  test("mainWindows splits 5h / weekly / others", () => {
    const p = {
      ...snap.profiles[0]!,
      windows: [
        ...snap.profiles[0]!.windows,
        { label: "other" as const, usedPercent: 5, windowSeconds: null, resetAt: null, limit: "gpt-5-codex-mini" },
      ],
    };
    const w = mainWindows(p);
    expect(w.primary?.label).toBe("5h");
    expect(w.weekly?.label).toBe("weekly");
    expect(w.others.map((x) => x.limit)).toEqual(["gpt-5-codex-mini"]);
  });
  test("poolTotals", () => {
    const t = poolTotals(snap);
    expect(t.requests).toBe(188);
    expect(t.errors).toBe(4);
    expect(t.counts).toEqual({ ready: 2, "needs-login": 1, quota: 1, resting: 0, paused: 0, unknown: 0 });
    expect(Math.round(t.latencyMs ?? 0)).toBe(Math.round((640 * 142 + 812 * 37 + 1210 * 9) / 188));
  });
  test("servingProfile and rotationInfo", () => {
    expect(servingProfile(snap)?.name).toBe("work");
    const r = sampleEvents(now).find((e) => e.kind === "rotation")!;
    expect(rotationInfo(r)).toEqual({ from: "backup", to: "work", reason: "5h limit" });
    expect(rotationInfo({ ...r, data: undefined })).toEqual({ from: null, to: "work", reason: null });
  });
});
