import { refreshProfileQuota } from "@prodex/core";
import type { ProxyState } from "../engine/proxy-state.ts";

export type QuotaRefreshOptions = { intervalMs: number; staleMs: number };
export const DEFAULT_QUOTA_REFRESH: QuotaRefreshOptions = { intervalMs: 60_000, staleMs: 5 * 60_000 };

/**
 * Keeps the pool's picture of every account fresh in the background, so selection compares
 * real quota instead of guessing about accounts nobody asked yet. Only stale profiles are
 * fetched (answers through the proxy refresh the serving account for free), one pass at a time.
 */
export class QuotaRefresher {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly state: ProxyState,
    private readonly options: QuotaRefreshOptions = DEFAULT_QUOTA_REFRESH,
  ) {}

  start(): void {
    void this.refreshStale();
    this.timer = setInterval(() => void this.refreshStale(), this.options.intervalMs);
    this.timer.unref?.();
  }

  /** Fetches every profile whose windows are older than `staleMs` (or unknown). */
  refreshStale(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const { pool, ctx, upstreamBase } = this.state;
    const now = ctx.now();
    const stale = pool
      .snapshot()
      .profiles.filter((p) => !p.needsLogin && (p.fetchedAt === null || now - p.fetchedAt > this.options.staleMs));
    await Promise.all(
      stale.map(async (p) => {
        const row = pool.row(p.name);
        if (!row) return;
        const result = await refreshProfileQuota(ctx, row, upstreamBase);
        if (result.snapshot && !result.error) pool.observe(p.name, result.snapshot.windows);
        if (result.needsLogin) pool.needsLogin(p.name);
      }),
    );
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
