import type { Context } from "@prodex/core";
import type { BindingKind } from "@prodex/store";

const TTL: Record<BindingKind, number> = {
  response_id: 6 * 3_600_000,
  turn_state: 3_600_000,
  session: 24 * 3_600_000,
  prompt_cache_key: 24 * 3_600_000,
  claude_session: 24 * 3_600_000,
  // Reasoning blobs live as long as the conversation that carries them.
  encrypted: 7 * 24 * 3_600_000,
};

/** How long "nobody owns this" is remembered (encrypted blobs are asked about on every request). */
const MISS_TTL_MS = 30_000;
const MEMORY_CAP = 50_000;
const MEMORY_KEEP = 40_000;

/** A binding just recorded (a gateway instance shares it with the others). */
export type BoundListener = (kind: BindingKind, key: string, profile: string, at: number, expiresAt: number) => void;

/**
 * Continuation bindings (key → profile) with an in-memory cache in front of the store. Writes
 * go to the context's batched writer (off the request path; the proxy's runs on a worker
 * thread); lookups fall back to the store so bindings made by another prodex process, or before
 * a restart, still count.
 */
export class Bindings {
  private readonly memory = new Map<string, { profile: string | null; expiresAt: number }>();
  private readonly listeners = new Set<BoundListener>();

  constructor(private readonly ctx: Context) {}

  lookup(kind: BindingKind, key: string): string | null {
    const now = this.ctx.now();
    const id = `${kind}\u0000${key}`;
    const hit = this.memory.get(id);
    if (hit && hit.expiresAt > now) return hit.profile;
    try {
      const row = this.ctx.store.bindings.get(kind, key, now);
      if (!row) {
        if (kind === "encrypted") this.memory.set(id, { profile: null, expiresAt: now + MISS_TTL_MS });
        return null;
      }
      const profile = this.ctx.store.profiles.byId(row.profileId)?.name ?? null;
      if (profile) this.memory.set(id, { profile, expiresAt: row.expiresAt });
      return profile;
    } catch {
      return null;
    }
  }

  bind(kind: BindingKind, key: string | null, profile: string): void {
    if (!key) return;
    const now = this.ctx.now();
    const id = `${kind}\u0000${key}`;
    const prev = this.memory.get(id);
    this.memory.set(id, { profile, expiresAt: now + TTL[kind] });
    // Re-binding the same owner within a minute changes nothing worth a write.
    if (prev && prev.profile === profile && prev.expiresAt - TTL[kind] > now - 60_000) return;
    this.ctx.writes.write({ repo: "bindings", method: "putByName", args: [kind, key, profile, TTL[kind], now] });
    for (const fn of this.listeners) fn(kind, key, profile, now, now + TTL[kind]);
    if (this.memory.size > MEMORY_CAP) this.prune();
  }

  /**
   * A binding another process recorded (a gateway peer): known here at once, stored by the batched writer (off
   * the request path), not announced to `onBound` listeners.
   */
  learn(kind: BindingKind, key: string, profile: string, expiresAt: number): void {
    const now = this.ctx.now();
    this.memory.set(`${kind}\u0000${key}`, { profile, expiresAt });
    const ttl = Math.max(0, expiresAt - now);
    this.ctx.writes.write({ repo: "bindings", method: "putByName", args: [kind, key, profile, ttl, now] });
    if (this.memory.size > MEMORY_CAP) this.prune();
  }

  /** Every binding this process records from now on (not those written to the store by others); unsubscribes. */
  onBound(fn: BoundListener): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** Writes what is queued now; false when a busy store refused it (it stays queued). */
  flush(): boolean {
    return this.ctx.writes.flush();
  }

  /** On shutdown: a few tries, so a store busy for a moment still gets what this process learned. */
  drain(tries = 3): void {
    this.ctx.writes.drain(tries);
  }

  /** Drops expired entries, then the oldest, so a long-lived broker's memory stays bounded (the store keeps them). */
  private prune(): void {
    const now = this.ctx.now();
    for (const [id, v] of this.memory) if (v.expiresAt <= now) this.memory.delete(id);
    let excess = this.memory.size - MEMORY_KEEP;
    for (const id of this.memory.keys()) {
      if (excess-- <= 0) break;
      this.memory.delete(id);
    }
  }
}
