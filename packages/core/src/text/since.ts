import { UsageError } from "../errors.ts";

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a duration back from now ("90s", "10m", "2h", "1d", "1w") or an ISO date/time. */
export function parseSince(text: string, now: number): number {
  const t = text.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(t);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[(rel[2] as string).toLowerCase()] as number);
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const at = Date.parse(t);
    if (!Number.isNaN(at)) return at;
  }
  throw new UsageError(
    `--since "${text}" is not a time`,
    "use a duration like 30m, 2h, 1d, or an ISO time like 2026-01-31T09:00",
  );
}
