import type { NewEvent } from "@prodex/core";
import { limitWords } from "./limit-answer.ts";
import { isoSecond } from "./iso-second.ts";
import type { LimitVerdict, Refused } from "./limit-check.ts";

/** The limit period a refusal belongs to: the key, which limit, and when that limit resets. */
const periodOf = (key: string, v: Refused) => `${key}\0${v.limit}\0${v.resetAt}`;

/**
 * Is this refusal the first of its period (this key, this limit, until this reset) this instance has seen? A script
 * hammering past its limit is refused on every request; the timeline hears of it once per period.
 */
export function firstOfPeriod(seen: ReadonlySet<string>, key: string, v: Refused): boolean {
  return !seen.has(periodOf(key, v));
}

/** The timeline's line for a key refused for its own limit. */
export function limitEvent(key: string, v: Refused): NewEvent {
  return {
    kind: "key.limited",
    level: "warn",
    message: `key ${key} reached its limit of ${limitWords(v)}; refused until ${isoSecond(v.resetAt)}`,
    data: { key, limit: v.limit, resetAt: v.resetAt },
  };
}

/** Announces each key's limit hits on the timeline, once per limit period (periods past their reset are forgotten). */
export class LimitNotices {
  private readonly seen = new Set<string>();

  constructor(
    private readonly emit: (e: NewEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  observe(key: string, v: LimitVerdict): void {
    if (v.ok || !firstOfPeriod(this.seen, key, v)) return;
    if (this.seen.size > 1_000) this.forgetPast();
    this.seen.add(periodOf(key, v));
    this.emit(limitEvent(key, v));
  }

  private forgetPast(): void {
    const now = this.now();
    for (const p of this.seen) if (Number(p.slice(p.lastIndexOf("\0") + 1)) <= now) this.seen.delete(p);
  }
}
