import { type Unavailable, describeAvailability, unavailableWhy, viewAvailability } from "@prodex/core";
import type { ProxyState } from "./proxy-state.ts";

/** An answer the proxy gives itself (no upstream response to pass on). */
export type LocalAnswer = { status: number; headers: Headers; body: string };

function json(status: number, body: unknown): LocalAnswer {
  return { status, headers: new Headers({ "content-type": "application/json" }), body: JSON.stringify(body) };
}

function when(until: number | null): string {
  return until === null ? "an unknown time" : new Date(until).toISOString().replace(/\.\d+Z$/, "Z");
}

const RESUME_HINT =
  "Resume one with `prodex profile resume NAME` or the dashboard's s key " +
  "(a team gateway: `prodex gateway account resume NAME`).";

/** No account can serve (availability says why for each). Shaped like ChatGPT's own 429 when it is quota. */
export function poolUnavailable(state: ProxyState, tried: Set<string>): LocalAnswer {
  const snapshot = state.pool.snapshot();
  const now = state.ctx.now();
  const states = snapshot.profiles.map((p) => ({ name: p.name, a: viewAvailability(p, now) }));
  const resets = states.flatMap(({ a }) => (!a.ok && a.until !== null && a.until > now ? [a.until] : []));
  const earliest = resets.length ? Math.min(...resets) : null;
  const details = state.accountsInAnswers
    ? states.map(({ name, a }) => `${name}: ${describeAvailability(a, when)}`).join("; ")
    : `${states.length} account(s)`;
  const allQuota = states.length > 0 && states.every(({ a }) => !a.ok && a.why === "quota");
  if (allQuota) {
    return json(429, {
      error: {
        type: "usage_limit_reached",
        message:
          `Every account in the prodex pool has hit its usage limit (${details}). ` +
          `The earliest resets at ${when(earliest)}.`,
        resets_at: earliest === null ? undefined : Math.ceil(earliest / 1000),
        resets_in_seconds: earliest === null ? undefined : Math.max(0, Math.ceil((earliest - now) / 1000)),
      },
    });
  }
  const paused = states.filter(({ a }) => !a.ok && a.why === "paused").length;
  if (paused > 0 && states.every(({ a }) => !a.ok && a.why !== "resting")) {
    // Nothing comes back by itself: say who took the accounts out, and how to put one back.
    const named = state.accountsInAnswers ? details : `${paused} of ${states.length} account(s) paused`;
    return json(503, {
      error: {
        type: "server_error",
        code: "pool_paused",
        message: `Every account in the prodex pool is paused or cannot serve (${named}). ${RESUME_HINT}`,
      },
    });
  }
  const triedText = tried.size && state.accountsInAnswers ? `; tried ${[...tried].join(", ")}` : "";
  return json(503, {
    error: {
      type: "server_error",
      code: "pool_unavailable",
      message: `No account in the prodex pool can serve right now (${details || "no profiles"}${triedText}).`,
    },
  });
}

/**
 * An account could not be tried because something prodex needs is down (the gateway's database): one line saying
 * what and when to retry, as a 503 each client's shaping keeps (Codex and the SDKs retry it, Claude Code too).
 */
export function dependencyDown(message: string): LocalAnswer {
  return json(503, { error: { type: "server_error", code: "dependency_unavailable", message } });
}

/** The conversation's state lives on an account that cannot serve, and cannot move without losing it. */
export function staleContinuation(state: ProxyState, owner: string, blocked: Unavailable): LocalAnswer {
  const row = state.pool.row(owner);
  const named = row?.email ? `${owner} (${row.email})` : owner;
  const [who, it] = state.accountsInAnswers ? [`account ${named}`, owner] : ["an account of the pool", "it"];
  const until = blocked.until ? ` until ${when(blocked.until)}` : "";
  return json(409, {
    error: {
      type: "stale_continuation",
      code: "stale_continuation",
      message:
        `This conversation's state belongs to ${who}, which cannot serve (${unavailableWhy(blocked)})${until}; ` +
        `it cannot continue on another account. Start a new conversation to continue on the pool, or wait for ${it} ` +
        "to reset.",
    },
  });
}
