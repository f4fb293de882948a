import { describe, expect, test } from "bun:test";
import type { Candidate } from "@prodex/core";
import { candidate } from "../../test/helpers/rotation-world.ts";
import { type PickInput, pick } from "./pick.ts";

const NOW = 1_800_000_000_000;
const c = candidate;
const input = (candidates: Candidate[], extra: Partial<PickInput> = {}): PickInput => ({
  view: { candidates, current: "p1", pinned: null, autoRotate: true },
  owner: null,
  stuck: false,
  tried: new Set(),
  connected: null,
  stayOn: null,
  now: NOW,
  ...extra,
});
const owner = { profile: "p2", via: "response_id" };
const rateLimited = { backoffUntil: NOW + 5_000, backoffReason: "transient" };
const atLimit = { backoffUntil: NOW + 600_000, backoffReason: "quota" };
const paused = { paused: { by: "key ann", at: NOW - 1_000 } };
const pausedWhy = { ok: false, why: "paused", by: "key ann", at: NOW - 1_000, until: null };

describe("pick", () => {
  const cases: [string, PickInput, Record<string, unknown>][] = [
    ["the policy keeps the current account", input([c("p1"), c("p2")]), { kind: "account", name: "p1" }],
    [
      "the owner first",
      input([c("p1"), c("p2")], { owner }),
      { kind: "account", name: "p2", reason: "continues on its owner (response_id)" },
    ],
    [
      "the owner first even while resting",
      input([c("p1"), c("p2", rateLimited)], { owner }),
      { kind: "account", name: "p2" },
    ],
    [
      "an owner at its limit: the policy",
      input([c("p1"), c("p2", atLimit)], { owner }),
      { kind: "account", name: "p1" },
    ],
    [
      "an owner at its limit, stuck: stale",
      input([c("p1"), c("p2", atLimit)], { owner, stuck: true }),
      { kind: "stale", owner: "p2", why: { ok: false, why: "quota", until: NOW + 600_000 } },
    ],
    [
      "an owner resting after failing this request, stuck: nobody but it (the loop may wait)",
      input([c("p1"), c("p2", rateLimited)], { owner, stuck: true, tried: new Set(["p2"]) }),
      {
        kind: "none",
        soonest: { name: "p2", why: { ok: false, why: "resting", kind: "transient", until: NOW + 5_000 } },
      },
    ],
    [
      "an owner at its limit after failing this request, stuck: stale",
      input([c("p1"), c("p2", atLimit)], { owner, stuck: true, tried: new Set(["p2"]) }),
      { kind: "stale", owner: "p2", why: { ok: false, why: "quota", until: NOW + 600_000 } },
    ],
    [
      "the connection's account while it can serve",
      input([c("p1"), c("p2")], { connected: "p2" }),
      { kind: "account", name: "p2", reason: "stays on the connection's account" },
    ],
    [
      "not the connection's account when it rests",
      input([c("p1"), c("p2", rateLimited)], { connected: "p2" }),
      { kind: "account", name: "p1" },
    ],
    ["a launch held to one account", input([c("p1"), c("p2")], { stayOn: "p2" }), { kind: "account", name: "p2" }],
    [
      "tried accounts are skipped",
      input([c("p1"), c("p2")], { tried: new Set(["p1"]) }),
      { kind: "account", name: "p2" },
    ],
    [
      "auto-rotate off: only the current one",
      input([c("p1", rateLimited), c("p2")], {
        view: { candidates: [c("p1", rateLimited), c("p2")], current: "p1", pinned: null, autoRotate: false },
      }),
      { kind: "none" },
    ],
    [
      "a paused account gets no new conversation, even as the current one",
      input([c("p1", paused), c("p2")]),
      { kind: "account", name: "p2" },
    ],
    [
      "a paused account gets no new conversation, even pinned",
      input([c("p1"), c("p2", paused)], {
        view: { candidates: [c("p1"), c("p2", paused)], current: "p2", pinned: "p2", autoRotate: true },
      }),
      { kind: "account", name: "p1" },
    ],
    [
      "a paused owner keeps its conversation",
      input([c("p1"), c("p2", paused)], { owner, stuck: true }),
      { kind: "account", name: "p2", reason: "continues on its owner (response_id)" },
    ],
    [
      "a paused owner that failed this request, stuck: nobody but it, no stale answer",
      input([c("p1"), c("p2", paused)], { owner, stuck: true, tried: new Set(["p2"]) }),
      { kind: "none", earliestReset: null, soonest: { name: "p2", why: pausedWhy } },
    ],
    [
      "a paused owner at its limit, stuck: stale (it could not serve anyway)",
      input([c("p1"), c("p2", { ...paused, ...atLimit })], { owner, stuck: true }),
      { kind: "stale", owner: "p2", why: { ok: false, why: "quota" } },
    ],
    [
      "not the connection's account once paused",
      input([c("p1"), c("p2", paused)], { connected: "p2" }),
      { kind: "account", name: "p1" },
    ],
    [
      "everyone paused: nobody, nobody coming back",
      input([c("p1", paused), c("p2", paused)]),
      { kind: "none", earliestReset: null, soonest: null },
    ],
    [
      "nobody: the soonest back, tried included",
      input([c("p1", atLimit), c("p2", rateLimited)], { tried: new Set(["p2"]) }),
      {
        kind: "none",
        soonest: { name: "p2", why: { ok: false, why: "resting", kind: "transient", until: NOW + 5_000 } },
      },
    ],
  ];
  test.each(cases)("%s", (_, i, expected) => {
    expect(pick(i)).toMatchObject(expected);
  });
});
