// The rotation loop, the only one: pick an account, attempt the request on it, decide what the
// outcome means; bounded by attempts and a time budget. HTTP and the websocket differ only in
// their `attempt`; every rule lives in pick.ts, decide.ts and the pool's backoff.
import { AuthError, DependencyDownError, type RestKind, errorMessage } from "@prodex/core";
import { type Happened, type Memo, decide } from "./decide.ts";
import { pick, soonestBack } from "./pick.ts";
import type { AttemptResult, RestRequest, RotateOutcome, RotateRequest, RotationPorts } from "./ports.ts";

export async function rotate<T, L>(ports: RotationPorts<T, L>, req: RotateRequest): Promise<RotateOutcome<T, L>> {
  const { pool, tokens, upstream, clock, events, policy } = ports;
  const startedAt = clock.now();
  const tried = new Set<string>();
  const refreshed = new Set<string>();
  const bare = new Set<string>();
  const memo: Memo & { refreshed: Set<string>; bare: Set<string> } = {
    refreshed,
    bare,
    reconnected: false,
    waits: 0,
    startedAt,
    mayRotate: req.mayRotate,
  };
  let last: L | null = null;
  let previous: { name: string; rest: RestKind; reason: string } | null = null;
  let attempts = 0;
  /** Why an account's token could not be had for a cause outside the pool (the gateway's database is down). */
  let down: string | null = null;
  /** The account the next attempt goes to without a new pick (a refresh, a bare retry, a reconnect). */
  let again: string | null = null;

  while (attempts < policy.maxAttempts && clock.now() - startedAt < policy.budgetMs && !req.signal.aborted) {
    let name: string;
    if (again !== null) {
      name = again;
      again = null;
    } else {
      const picked = pick({
        view: pool.view(),
        owner: req.owner,
        stuck: req.stuck,
        tried,
        connected: req.connected(),
        stayOn: req.stayOn,
        now: clock.now(),
      });
      if (picked.kind === "stale") return { kind: "stale", owner: picked.owner, why: picked.why, attempts };
      if (picked.kind === "none") {
        const d = decide({ kind: "none", soonest: picked.soonest }, memo, policy, clock.now());
        if (d.kind !== "wait-for-rest") break;
        // Nothing can serve, but an account is back in moments: waiting beats refusing the client.
        memo.waits++;
        events.emit({ kind: "waiting", profile: d.name, ms: Math.round(d.ms) });
        if (d.ms > 0) await clock.sleep(d.ms + 1, req.signal);
        // A new round: every account whose rest ended meanwhile may serve again.
        tried.clear();
        continue;
      }
      name = picked.name;
      if (previous && previous.name !== name)
        events.emit({ kind: "rotated", from: previous.name, to: name, rest: previous.rest, reason: previous.reason });
      const selected = pool.select(name, picked.reason);
      if (selected) await selected;
    }
    attempts++;

    let happened: Happened | null = null;
    let token: string | null = null;
    const auth = await tokens.current(name).catch((error: unknown) => {
      happened = tokenFailed(name, error);
      return null;
    });
    if (auth) {
      const result = await upstream.attempt({
        name,
        auth,
        bare: bare.has(name),
        deadline: startedAt + policy.budgetMs,
      });
      if (result.kind === "served") return { kind: "served", value: result.value, profile: name, attempts };
      if (result.kind === "gone") return { kind: "gone", attempts };
      token = result.kind === "failed" ? (result.token ?? auth.accessToken) : auth.accessToken;
      if (result.kind === "failed" || result.kind === "rejected-reasoning") last = result.last ?? last;
      happened = afterAttempt(name, result);
    }

    const what: Happened = happened ?? tokenFailed(name, "no token");
    if (what.kind === "dependency-down") down = what.reason;
    let d = decide(what, memo, policy, clock.now());
    if (d.kind === "retry-same") {
      events.emit({ kind: "retry-same", profile: name, why: d.why, reason: d.reason });
      if (d.why === "bare") bare.add(name);
      if (d.why === "reconnect") memo.reconnected = true;
      if (d.why === "refresh") {
        refreshed.add(name);
        const failed = await refresh(ports, name, token);
        // A refresh that fails is an auth failure like any token that cannot be had.
        if (failed?.kind === "dependency-down") down = failed.reason;
        if (failed) d = decide(failed, memo, policy, clock.now());
      }
      if (d.kind === "retry-same") {
        again = name;
        continue;
      }
    }
    if (d.kind === "wait-for-rest") continue; // only "none" waits; kept exhaustive
    tried.add(name);
    if (d.rest !== null) {
      const rest = d.rest;
      await restAccount(ports, name, rest);
      previous =
        rest === "needs-login"
          ? { name, rest: "auth", reason: "needs login" }
          : { name, rest: rest.kind, reason: rest.reason };
    }
    if (d.kind === "give-up") break;
  }

  if (req.signal.aborted) return { kind: "gone", attempts };
  const soonest = soonestBack(pool.view().candidates, clock.now());
  const earliestReset = soonest?.why.ok === false ? soonest.why.until : null;
  events.emit({ kind: "gave-up", attempts, tried: [...tried], earliestReset });
  return { kind: "exhausted", last, tried: [...tried], attempts, earliestReset, down };
}

function afterAttempt<T, L>(name: string, result: Exclude<AttemptResult<T, L>, { kind: "served" | "gone" }>): Happened {
  if (result.kind === "failed") return { kind: "failed", name, verdict: result.verdict };
  if (result.kind === "rejected-reasoning") return { kind: "rejected-reasoning", name };
  return { kind: "reconnect", name, reason: result.reason };
}

function tokenFailed(name: string, error: unknown): Happened {
  if (error instanceof DependencyDownError) return { kind: "dependency-down", name, reason: error.message };
  return {
    kind: "token-failed",
    name,
    reason: errorMessage(error),
    needsLogin: error instanceof AuthError && error.needsLogin,
  };
}

/** After a 401: a fresh token unless another process refreshed already; the failure if none can be had. */
async function refresh<T, L>(
  ports: RotationPorts<T, L>,
  name: string,
  rejected: string | null,
): Promise<Happened | null> {
  if (rejected === null) return null;
  try {
    await ports.tokens.afterUnauthorized(name, rejected);
    return null;
  } catch (error) {
    return tokenFailed(name, error);
  }
}

async function restAccount<T, L>(
  ports: RotationPorts<T, L>,
  name: string,
  rest: RestRequest | "needs-login",
): Promise<void> {
  if (rest === "needs-login") {
    const marked = ports.pool.needsLogin(name);
    if (marked) await marked;
    ports.events.emit({
      kind: "attempt-failed",
      profile: name,
      rest: "auth",
      reason: "needs login",
      until: Number.POSITIVE_INFINITY,
    });
    return;
  }
  const rested = ports.pool.rest(name, rest);
  const until = typeof rested === "number" ? rested : await rested;
  ports.events.emit({ kind: "attempt-failed", profile: name, rest: rest.kind, reason: rest.reason, until });
}
