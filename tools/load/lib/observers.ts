// Watching a run from the outside: the target's RSS, its live event feed (rotations, backoffs,
// serving changes), and the mock's own truth about which accounts could serve.
import { z } from "zod";
import { memoryOf } from "../../harness/children.ts";
import { SseParser } from "@prodex/proxy";
import type { Backend, MockState } from "./backend.ts";
import { eventJson } from "./reading.ts";

/** Samples VmRSS every `everyMs`; keeps the peak. */
export class RssSampler {
  peakMb: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly pid: number | null) {}

  now(): number | null {
    const m = this.pid === null ? null : memoryOf(this.pid);
    if (!m || !Number.isFinite(m.rssMb)) return null;
    this.peakMb = Math.max(this.peakMb ?? 0, m.rssMb);
    return m.rssMb;
  }

  start(everyMs = 50): void {
    this.peakMb = null;
    this.now();
    this.timer = setInterval(() => this.now(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

const poolEvent = z.object({
  kind: z.string(),
  at: z.number(),
  profile: z.string().nullable().optional(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type PoolEvent = z.infer<typeof poolEvent>;

/** The target's `__prodex/events` feed, collected from connect to stop. */
export class EventsFeed {
  readonly events: PoolEvent[] = [];
  private readonly ctl = new AbortController();
  private done: Promise<void> = Promise.resolve();

  /** Resolves once the feed answered (its first snapshot arrived), so nothing of the run is missed. */
  async connect(url: string): Promise<void> {
    const res = await fetch(url, { signal: this.ctl.signal });
    if (!res.ok || !res.body) throw new Error(`events feed answered ${res.status}`);
    const reader = res.body.getReader();
    const parser = new SseParser();
    let first: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      first = resolve;
    });
    this.done = (async () => {
      try {
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          for (const m of parser.feed(r.value)) {
            first();
            if (m.event !== "event") continue;
            const e = poolEvent.safeParse(eventJson(m.data));
            if (e.success) this.events.push(e.data);
          }
        }
      } catch {
        // stopped
      } finally {
        first();
      }
    })();
    await ready;
  }

  async stop(): Promise<void> {
    this.ctl.abort();
    await this.done;
  }
}

/** What the mock's rate-limit faults announce (`retry-after: 1`). */
export const RETRY_AFTER_MS = 1_000;

/**
 * Which accounts the mock would serve. An account is ready when it is not exhausted, has not
 * answered a usage limit during the run (that announces a reset ≥ 30 min away, so the proxy is
 * right to leave it alone), and has not answered a rate limit or an error within the last
 * `RETRY_AFTER_MS` (as far as polling can tell: from the read before the one that saw it).
 * Exhaustion and usage limits only ever go away within a run, so an account ready when the
 * state is read after a failure was ready for the whole of that request.
 */
export class Readiness {
  private start: Map<string, number> | null = null;
  /** When each account stopped being ready for good (ms since the run started), in that order. */
  readonly lost: { account: string; at: number; why: "exhausted" | "usage limit" }[] = [];
  /** Short spells after a rate limit or an error. */
  readonly spells: { account: string; from: number; to: number }[] = [];
  last: MockState | null = null;
  /** The account that took the most requests between the last two reads (the one serving now). */
  busiest: string | null = null;
  private lastAt = 0;
  private requests = new Map<string, number>();
  private errors = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling: Promise<unknown> | null = null;
  /** Reads go one after another, so every state is observed in the order the mock was in it. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: Backend,
    private readonly clock: () => number,
  ) {}

  async begin(everyMs = 100): Promise<void> {
    const s = await this.backend.state();
    this.start = new Map(s.accounts.map((a) => [a.id, a.counters.limited]));
    this.observe(s);
    this.timer = setInterval(() => {
      this.polling ??= this.read()
        .catch(() => null)
        .finally(() => {
          this.polling = null;
        });
    }, everyMs);
  }

  /** Reads the mock now; returns the accounts that were ready at `at` (default: now). */
  read(at?: number): Promise<string[]> {
    const next = this.queue.then(async () => {
      const s = await this.backend.state();
      this.observe(s);
      return this.readyIn(s, at ?? this.clock());
    });
    this.queue = next.catch(() => null);
    return next;
  }

  readyIn(s: MockState, at: number | null): string[] {
    return s.accounts
      .filter((a) => !a.exhausted && a.counters.limited === (this.start?.get(a.id) ?? a.counters.limited))
      .filter((a) => at === null || !this.spells.some((w) => w.account === a.id && w.from <= at && at <= w.to))
      .map((a) => a.id);
  }

  /** No account will serve again in this run (short spells do not count). */
  allGone(): boolean {
    return this.last !== null && this.readyIn(this.last, null).length === 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private observe(s: MockState): void {
    this.last = s;
    const at = this.clock();
    let most = 0;
    for (const a of s.accounts) {
      const took = a.counters.requests - (this.requests.get(a.id) ?? a.counters.requests);
      if (took > most) {
        most = took;
        this.busiest = a.id;
      }
      this.requests.set(a.id, a.counters.requests);
    }
    for (const a of s.accounts) {
      const seen = this.errors.get(a.id);
      if (seen !== undefined && a.counters.errors > seen)
        this.spells.push({ account: a.id, from: this.lastAt, to: at + RETRY_AFTER_MS });
      this.errors.set(a.id, a.counters.errors);
      if (this.lost.some((l) => l.account === a.id)) continue;
      if (a.exhausted) this.lost.push({ account: a.id, at, why: "exhausted" });
      else if (this.start && a.counters.limited !== this.start.get(a.id))
        this.lost.push({ account: a.id, at, why: "usage limit" });
    }
    this.lastAt = at;
  }
}
