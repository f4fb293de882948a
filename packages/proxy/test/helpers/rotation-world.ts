// A pool, tokens, clock and event log in memory, for driving rotate() in milliseconds: the
// scenario tests script what each account answers; the rest (rests, streaks, availability) is
// the real core code the proxy's PoolRuntime uses.
import {
  AuthError,
  DependencyDownError,
  type Candidate,
  type ChatgptAuth,
  nextStreak,
  type RestHistory,
  restUntil,
} from "@prodex/core";
import type {
  AttemptInput,
  AttemptResult,
  ClockPort,
  PoolPort,
  PoolView,
  RestRequest,
  RotationEvent,
  RotationPolicy,
  TokenPort,
} from "../../src/rotation/ports.ts";

export const T0 = 1_800_000_000_000;

export const POLICY: RotationPolicy = { maxAttempts: 6, budgetMs: 60_000, maxWaitMs: 10_000, maxWaits: 3 };

export class FakeClock implements ClockPort {
  constructor(public t = T0) {}
  now = (): number => this.t;
  readonly slept: number[] = [];
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.slept.push(ms);
    this.t += ms;
  }
}

/** A ready account with nothing known about its usage. */
export function candidate(name: string, extra: Partial<Candidate> = {}): Candidate {
  return { name, windows: [], usable: true, backoffUntil: null, backoffReason: null, lastSelectedAt: null, ...extra };
}

export class FakePool implements PoolPort {
  readonly members = new Map<string, Candidate & { history: RestHistory | null }>();
  current: string | null = null;
  pinned: string | null = null;
  autoRotate = true;
  readonly rests: { name: string; kind: string; until: number }[] = [];
  readonly selected: string[] = [];

  constructor(
    private readonly clock: FakeClock,
    names: string[],
  ) {
    for (const name of names) this.members.set(name, { ...candidate(name), history: null });
  }

  view(): PoolView {
    return {
      candidates: [...this.members.values()],
      current: this.current,
      pinned: this.pinned,
      autoRotate: this.autoRotate,
    };
  }

  select(name: string): void {
    this.selected.push(name);
    this.current = name;
    const m = this.members.get(name);
    if (m) m.lastSelectedAt = this.clock.now();
  }

  rest(name: string, rest: RestRequest): number {
    const m = this.members.get(name);
    const now = this.clock.now();
    if (!m) return now;
    const streak = nextStreak(m.history, now);
    const until = restUntil({ kind: rest.kind, upstreamUntil: rest.until, streak, now });
    m.history = { streak, until };
    m.backoffUntil = until;
    m.backoffReason = rest.kind;
    this.rests.push({ name, kind: rest.kind, until });
    return until;
  }

  needsLogin(name: string): void {
    const m = this.members.get(name);
    if (m) m.usable = false;
  }

  /** Rests an account as if an earlier request had failed on it. */
  resting(name: string, kind: string, ms: number): this {
    const m = this.members.get(name);
    if (m) Object.assign(m, { backoffUntil: this.clock.now() + ms, backoffReason: kind });
    return this;
  }
}

export function auth(name: string, n = 1): ChatgptAuth {
  return {
    kind: "chatgpt",
    json: {} as ChatgptAuth["json"],
    accessToken: `${name}-token-${n}`,
    refreshToken: `${name}-refresh`,
    idToken: "",
    accountId: name,
    email: null,
    plan: null,
    expiresAt: null,
    lastRefresh: 0,
  };
}

/** Tokens that can be told to fail: `broken` (a refresh that failed for now) or `dead` (needs login). */
export class FakeTokens implements TokenPort {
  readonly refreshes: string[] = [];
  readonly generation = new Map<string, number>();
  broken = new Set<string>();
  dead = new Set<string>();
  refreshFails = new Set<string>();
  /** The token needs a dependency that is down (the gateway's database). */
  down = new Set<string>();

  async current(name: string): Promise<ChatgptAuth> {
    if (this.down.has(name)) throw new DependencyDownError(`${name}'s token needs a refresh, and the database is down`);
    if (this.dead.has(name)) throw new AuthError(`${name}: refresh token reused`, name, true);
    if (this.broken.has(name)) throw new AuthError(`${name}: token endpoint down`, name, false);
    return auth(name, this.generation.get(name) ?? 1);
  }

  async afterUnauthorized(name: string, rejected: string): Promise<ChatgptAuth> {
    this.refreshes.push(`${name}:${rejected}`);
    if (this.refreshFails.has(name)) throw new AuthError(`${name}: refresh token reused`, name, true);
    const next = (this.generation.get(name) ?? 1) + 1;
    this.generation.set(name, next);
    return auth(name, next);
  }
}

export type Script<T, L> = (
  input: AttemptInput,
  clock: FakeClock,
) => AttemptResult<T, L> | Promise<AttemptResult<T, L>>;

/** Per account, the answers in order (the last repeats). */
export function scripted<T, L>(answers: Record<string, Script<T, L>[]>, clock: FakeClock) {
  const seen: AttemptInput[] = [];
  const counts = new Map<string, number>();
  return {
    seen,
    upstream: {
      async attempt(input: AttemptInput): Promise<AttemptResult<T, L>> {
        seen.push(input);
        const list = answers[input.name] ?? [];
        const n = counts.get(input.name) ?? 0;
        counts.set(input.name, n + 1);
        const step = list[Math.min(n, list.length - 1)];
        if (!step) throw new Error(`no script for ${input.name}`);
        return step(input, clock);
      },
    },
  };
}

export class EventTape {
  readonly events: RotationEvent[] = [];
  emit(event: RotationEvent): void {
    this.events.push(event);
  }
  kinds(): string[] {
    return this.events.map((e) => e.kind);
  }
}
