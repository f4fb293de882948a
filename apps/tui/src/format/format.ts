import type { Glyphs } from "../env/theme.ts";

/** Time as the whole project writes it (core's text/durations.ts), under the dashboard's names. */
export {
  formatAgo as fmtAgo,
  formatClock as fmtClock,
  formatDuration as fmtDuration,
  formatReset as fmtReset,
} from "@prodex/core";

export function fmtLatency(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.round(ms / 1000)}s`;
}

export function fmtCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function clampPct(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.min(100, Math.max(0, p));
}

export function fmtPct(p: number): string {
  return `${Math.round(clampPct(p))}%`;
}

/** A bar split into its filled part and its track, so each can be styled. Width in cells. */
export function barParts(pct: number, width: number, g: Glyphs): { filled: string; track: string } {
  const w = Math.max(0, Math.floor(width));
  const eighths = Math.round((clampPct(pct) / 100) * w * 8);
  let full = Math.floor(eighths / 8);
  let part = g.partial[eighths % 8] ?? "";
  // ASCII has no partial cells: round to the nearest whole cell instead.
  if (part === "" && eighths % 8 >= 4) full += 1;
  if (full >= w) {
    full = w;
    part = "";
  }
  const filled = g.full.repeat(full) + part;
  const used = full + (part ? 1 : 0);
  return { filled, track: g.track.repeat(w - used) };
}

/** Sparkline of 0..100 values, newest last, at most `width` cells. */
export function sparkline(values: number[], width: number, g: Glyphs): string {
  const last = values.slice(-Math.max(0, width));
  const top = g.spark.length - 1;
  return last.map((v) => g.spark[Math.round((clampPct(v) / 100) * top)] ?? "").join("");
}

/** Shared with the CLI's one-line outputs. */
export { truncate } from "@prodex/core";

export function padEnd(s: string, width: number): string {
  const w = Bun.stringWidth(s);
  return w >= width ? s : s + " ".repeat(width - w);
}

export function padStart(s: string, width: number): string {
  const w = Bun.stringWidth(s);
  return w >= width ? s : " ".repeat(width - w) + s;
}
