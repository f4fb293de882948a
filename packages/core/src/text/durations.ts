// How prodex writes time for people, everywhere (prodex quota, info, logs, the dashboard): one
// convention. Durations are compact and unpadded ("2h 5m", "4m 12s", "37s"); the two largest
// units only; seconds round up (a wait is never shown as "0s" before it is over), larger units
// round down. Clocks are local 24-hour time.

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const two = (big: number, unit: string, small: number, smallUnit: string) =>
  small ? `${big}${unit} ${small}${smallUnit}` : `${big}${unit}`;

/** "37s", "4m 12s", "41m", "2h 5m", "3h", "4d 2h"; negative reads as "0s". */
export function formatDuration(ms: number): string {
  const v = Math.ceil(Math.max(0, ms) / S) * S;
  if (v < M) return `${v / S}s`;
  if (v < 10 * M) return two(Math.floor(v / M), "m", Math.floor((v % M) / S), "s");
  if (v < H) return `${Math.floor(v / M)}m`;
  if (v < D) return two(Math.floor(v / H), "h", Math.floor((v % H) / M), "m");
  return two(Math.floor(v / D), "d", Math.floor((v % D) / H), "h");
}

/** Time until a reset: "2h 5m"; "now" once it has passed; `unknown` when there is none. */
export function formatReset(resetAt: number | null, now: number, unknown = "—"): string {
  if (resetAt === null) return unknown;
  return resetAt <= now ? "now" : formatDuration(resetAt - now);
}

/** How long ago: "just now" under 2 s, else "5m 3s ago". */
export function formatAgo(at: number, now: number): string {
  const d = now - at;
  return d < 2 * S ? "just now" : `${formatDuration(d)} ago`;
}

const pad = (n: number) => String(n).padStart(2, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Local wall-clock time of an event, "09:05:07". */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A moment to come (a reset, a run-out): "14:05" when it is today, else "Mar 3 14:05". Local time. */
export function formatInstant(at: number, now: number): string {
  const d = new Date(at);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === new Date(now).toDateString() ? time : `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}`;
}

/** A log line's stamp: the clock for today's lines, "2026-03-01 09:05:07" for older ones. */
export function formatStamp(at: number, now: number): string {
  const d = new Date(at);
  if (d.toDateString() === new Date(now).toDateString()) return formatClock(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(at)}`;
}
