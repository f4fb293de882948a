import type { RotateOutcome } from "../rotation/ports.ts";

/** Why a request got no account's answer (`prodex_unserved_total`). */
export type Unserved = "exhausted" | "database_down" | "stale" | "aborted" | "refused";

/**
 * Pure: whether a rotation's outcome left the client without an account's committed answer, and why. A served
 * value of kind `answer` (a continuation the proxy lost) or `refused` (a handshake refusal every account would get,
 * passed on) is the websocket's local answer; any other served value reached an account (the usage ledger's row).
 */
export function unservedReason(outcome: RotateOutcome<{ kind: string }, unknown>): Unserved | null {
  switch (outcome.kind) {
    case "served":
      if (outcome.value.kind === "answer") return "stale";
      if (outcome.value.kind === "refused") return "refused";
      return null;
    case "stale":
      return "stale";
    case "gone":
      return "aborted";
    case "exhausted":
      return outcome.down === null ? "exhausted" : "database_down";
  }
}
