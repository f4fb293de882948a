// The in-process proxy's ports for rotate(): its PoolRuntime, TokenManager, clock, and events
// turned into pool events and runtime log lines. `client` labels what the request came from.
import type { ProxyState } from "../engine/proxy-state.ts";
import type {
  ClockPort,
  EventsPort,
  RotationEvent,
  RotationPolicy,
  RotationPorts,
  TokenPort,
  UpstreamPort,
} from "./ports.ts";

/** Waiting for a briefly resting account: at most this long, this many times per request. */
const MAX_WAIT_MS = 10_000;
const MAX_WAITS = 3;

type Shared = { tokens: TokenPort; clock: ClockPort; policy: RotationPolicy };
const shared = new WeakMap<ProxyState, Shared>();

/** `policy`: overrides for one kind of request (the websocket's connect does not wait: each request retries). */
export function proxyPorts<T, L>(
  state: ProxyState,
  upstream: UpstreamPort<T, L>,
  label: Record<string, string>,
  policy?: Partial<RotationPolicy>,
): RotationPorts<T, L> {
  let s = shared.get(state);
  if (!s) {
    s = {
      tokens: {
        current: async (name) => state.ctx.tokens.current(state.pool.ref(name)),
        afterUnauthorized: async (name, rejected) => state.ctx.tokens.afterUnauthorized(state.pool.ref(name), rejected),
      },
      clock: { now: state.ctx.now, sleep },
      policy: {
        maxAttempts: state.maxAttempts,
        budgetMs: state.rotateBudgetMs,
        maxWaitMs: MAX_WAIT_MS,
        maxWaits: MAX_WAITS,
      },
    };
    shared.set(state, s);
  }
  const ports = { pool: state.pool, upstream, events: proxyEvents(state, label), ...s };
  return policy ? { ...ports, policy: { ...s.policy, ...policy } } : ports;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const RETRY_LINES = {
  refresh: "token refresh after 401",
  bare: "retry without encrypted reasoning",
  reconnect: "ws reconnect",
} as const;

function proxyEvents(state: ProxyState, label: Record<string, string>): EventsPort {
  return {
    emit(e: RotationEvent): void {
      switch (e.kind) {
        case "rotated":
          state.ctx.events.emit({
            kind: "rotation",
            profile: e.to,
            message: `${e.from} → ${e.to}: ${e.reason}`,
            data: { from: e.from, to: e.to, reason: e.reason, kind: e.rest, client: label.client ?? "-" },
          });
          return state.log.line("info", "rotate", { from: e.from, to: e.to, reason: e.reason, ...label });
        case "attempt-failed":
          return state.log.line("warn", "attempt failed", {
            profile: e.profile,
            kind: e.rest,
            reason: e.reason,
            ...label,
          });
        case "retry-same":
          return state.log.line(e.why === "refresh" ? "info" : "warn", RETRY_LINES[e.why], {
            profile: e.profile,
            reason: e.reason,
            ...label,
          });
        case "waiting":
          return state.log.line("info", "waiting for a resting account", { profile: e.profile, ms: e.ms, ...label });
        case "gave-up":
          return state.log.line("warn", "no account could serve", {
            attempts: e.attempts,
            tried: e.tried.join(","),
            ...label,
          });
      }
    },
  };
}
