// Which account a request tries next. Pure: the continuation's owner first (its state lives
// there), else the connection's account (websocket), else the selection policy.
import {
  type Availability,
  type Candidate,
  type Selection,
  type Unavailable,
  availability,
  select,
} from "@prodex/core";
import type { Owner, PoolView } from "./ports.ts";

export type PickInput = {
  view: PoolView;
  owner: Owner | null;
  /** The request cannot leave its owner. */
  stuck: boolean;
  tried: ReadonlySet<string>;
  /** The account the client's connection is open to (websocket), else null. */
  connected: string | null;
  /** The launch holds its requests to this account. */
  stayOn: string | null;
  now: number;
};

export type Picked =
  | { kind: "account"; name: string; reason: string }
  /** The owner cannot serve, and the request cannot leave it. */
  | { kind: "stale"; owner: string; why: Unavailable }
  /** Nobody can serve now. `soonest`: the allowed account back first from a rest, if any. */
  | { kind: "none"; reason: string; earliestReset: number | null; soonest: { name: string; why: Availability } | null };

export function pick(input: PickInput): Picked {
  const { view, owner, stuck, tried, connected, now } = input;
  const byName = (name: string) => view.candidates.find((c) => c.name === name);
  if (owner) {
    const a = availability(byName(owner.profile), now);
    // A rest after a failure, or its operator's pause, does not outrank ownership: the owner is tried anyway
    // (a paused account takes no new conversation, but the ones it holds go on). A usage limit or a dead login does.
    const ownerMayServe = a.ok || a.why === "resting" || a.why === "paused";
    if (!tried.has(owner.profile)) {
      if (ownerMayServe)
        return { kind: "account", name: owner.profile, reason: `continues on its owner (${owner.via})` };
      if (stuck) return { kind: "stale", owner: owner.profile, why: a };
    } else if (stuck) {
      // The owner failed this request and nobody else may take it: only waiting for it can help.
      if (ownerMayServe) {
        return {
          kind: "none",
          reason: `only ${owner.profile} holds this conversation`,
          earliestReset: a.ok ? null : a.until,
          soonest: { name: owner.profile, why: a },
        };
      }
      return { kind: "stale", owner: owner.profile, why: a };
    }
  }
  const only = input.stayOn ?? (view.autoRotate ? null : view.current);
  // Switching costs a handshake: a request with no owner stays on the connection's account while it can serve.
  if (
    !owner &&
    connected &&
    !tried.has(connected) &&
    (!only || only === connected) &&
    availability(byName(connected), now).ok
  ) {
    return { kind: "account", name: connected, reason: "stays on the connection's account" };
  }
  const candidates = only ? view.candidates.filter((c) => c.name === only) : view.candidates;
  const selection: Selection = select({ candidates, current: view.current, pinned: view.pinned, exclude: tried, now });
  if (selection.choice !== null) return { kind: "account", name: selection.choice, reason: selection.reason };
  return {
    kind: "none",
    reason: selection.reason,
    earliestReset: selection.earliestReset,
    soonest: soonestBack(candidates, now),
  };
}

/**
 * The account back first: one whose rest already ended (it was tried earlier in this request),
 * else the one whose rest ends soonest. Tried ones count: a wait makes them worth another try.
 */
export function soonestBack(candidates: readonly Candidate[], now: number): { name: string; why: Availability } | null {
  let best: { name: string; why: Availability; until: number } | null = null;
  for (const c of candidates) {
    const a = availability(c, now);
    if (a.ok) return { name: c.name, why: a };
    if (a.until === null) continue;
    if (!best || a.until < best.until) best = { name: c.name, why: a, until: a.until };
  }
  return best && { name: best.name, why: best.why };
}
