import type { Context } from "@prodex/core";
import { type BindingKind, isBusy } from "@prodex/store";

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
/** Bindings waiting for a busy store, and how soon it is asked again. */
const MAX_QUEUE = 20_000;
const RETRY_MS = 1_000;

/**
 * Continuation bindings (key → profile) with an in-memory cache in front of the store. Writes
 * are batched off the request path; lookups fall back to the store so bindings made by another
 * prodex process, or before a restart, still count.
 */
export class Bindings {
  private readonly memory = new Map<string, { profile: string | null; expiresAt: number }>();
  private queue: { kind: BindingKind; key: string; profile: string; at: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Profile name → store id, for writes. */
  private ids: Map<string, number> | null = null;

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
    this.queue.push({ kind, key, profile, at: now });
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), 100);
      this.timer.unref?.();
    }
  }

  /** Writes the queued bindings; false when a busy store refused them (they stay queued). */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return true;
    // Profile ids rarely change: no full profiles read on every flush (each 100 ms under load);
    // a profile removed or re-added under its name since gets a fresh read and one retry.
    let result = this.write(batch, false);
    if (result === "stale") result = this.write(batch, true);
    if (result === "busy") {
      // A busy store: keep the batch (bounded) for the next flush, so a restart still finds the owners.
      this.queue = batch.concat(this.queue).slice(-MAX_QUEUE);
      this.timer ??= setTimeout(() => this.flush(), RETRY_MS);
      this.timer.unref?.();
    }
    if (this.memory.size > MEMORY_CAP) this.prune();
    return result !== "busy";
  }

  /** On shutdown: a few tries, so a store busy for a moment still gets what this process learned. */
  drain(tries = 3): void {
    for (let i = 0; i < tries; i++) if (this.flush()) break;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One transaction for the batch; "stale" when a cached profile id no longer exists, "busy" when another process holds the lock. */
  private write(batch: typeof this.queue, fresh: boolean): "ok" | "stale" | "busy" | "failed" {
    try {
      if (fresh || !this.ids || batch.some((b) => !this.ids?.has(b.profile))) this.ids = new Map(this.ctx.store.profiles.list().map((p) => [p.name, p.id]));
      const ids = this.ids;
      this.ctx.store.transaction(() => {
        for (const b of batch) {
          const id = ids.get(b.profile);
          if (id !== undefined) this.ctx.store.bindings.put(b.kind, b.key, id, TTL[b.kind], b.at);
        }
      });
      return "ok";
    } catch (error) {
      // Otherwise memory still has them; a later flush or the next process re-learns them.
      this.ids = null;
      if (error instanceof Error && "code" in error && error.code === "SQLITE_CONSTRAINT_FOREIGNKEY") return "stale";
      return isBusy(error) ? "busy" : "failed";
    }
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
