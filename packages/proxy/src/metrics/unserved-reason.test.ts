import { expect, test } from "bun:test";
import type { RotateOutcome } from "../rotation/ports.ts";
import { type Unserved, unservedReason } from "./unserved-reason.ts";

const served = (kind: string): RotateOutcome<{ kind: string }, unknown> => ({
  kind: "served",
  value: { kind },
  profile: "p1",
  attempts: 1,
});
const exhausted = (down: string | null): RotateOutcome<{ kind: string }, unknown> => ({
  kind: "exhausted",
  last: null,
  tried: ["p1"],
  attempts: 2,
  earliestReset: null,
  down,
});

test.each<[string, RotateOutcome<{ kind: string }, unknown>, Unserved | null]>([
  ["an HTTP answer that committed", served("committed"), null],
  ["a websocket turn relayed", served("relayed"), null],
  ["a websocket continuation the proxy lost", served("answer"), "stale"],
  ["a handshake refusal passed on", served("refused"), "refused"],
  [
    "the owner cannot serve",
    { kind: "stale", owner: "p1", why: { ok: false, why: "needs-login", until: null }, attempts: 0 },
    "stale",
  ],
  ["the client left", { kind: "gone", attempts: 1 }, "aborted"],
  ["every account out or failing", exhausted(null), "exhausted"],
  ["the database is down (a gateway)", exhausted("PostgreSQL is unreachable"), "database_down"],
])("%s", (_name, outcome, want) => expect(unservedReason(outcome)).toBe(want));
