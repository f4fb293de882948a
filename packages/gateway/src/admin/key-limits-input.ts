// A key's limits as an operator gives them: the CLI's flags (`--rpm 30`, `--max-share 0.4`, `none` lifts one) or
// an admin route's JSON (`{"rpm": 30, "maxShare": null}`). One schema per limit, one clear line when a value is wrong.
import { UsageError } from "@prodex/core";
import type { KeyLimits } from "@prodex/store/pg";
import { z } from "zod";

type Limit = keyof KeyLimits;

const FIELDS: Record<Limit, { flag: string; schema: z.ZodNumber; rule: string }> = {
  rpm: { flag: "--rpm", schema: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), rule: "a whole number above 0" },
  tokensPerDay: {
    flag: "--tokens-per-day",
    schema: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    rule: "a whole number above 0",
  },
  maxShare: {
    flag: "--max-share",
    schema: z.number().gt(0).lte(1),
    rule: "a fraction above 0 and at most 1 (like 0.4)",
  },
};
const LIMITS = Object.keys(FIELDS) as Limit[];

/** One flag's value: `none` lifts the limit; `--max-share` also takes a percent ("40%"). */
export function parseLimit(flag: string, value: string): number | null {
  const field = LIMITS.find((l) => FIELDS[l].flag === flag);
  if (!field) throw new UsageError(`${flag} is not a key limit`, `use one of ${LIMITS.map((l) => FIELDS[l].flag)}`);
  if (value === "none") return null;
  const { rule, schema } = FIELDS[field];
  const percent = field === "maxShare" && value.trim().endsWith("%");
  const n = percent ? Number(value.trim().slice(0, -1)) / 100 : Number(value);
  const parsed = schema.safeParse(value.trim() === "" ? Number.NaN : n);
  if (!parsed.success) throw new UsageError(`${flag} must be ${rule}, or none; got "${value}"`);
  return parsed.data;
}

/** The limits the flags give (a flag left out: unchanged). */
export function limitsFromFlags(opts: Partial<Record<Limit, string>>): Partial<KeyLimits> {
  const out: Partial<KeyLimits> = {};
  for (const l of LIMITS) {
    const value = opts[l];
    if (value !== undefined) out[l] = parseLimit(FIELDS[l].flag, value);
  }
  return out;
}

const body = z.strictObject(
  Object.fromEntries(LIMITS.map((l) => [l, FIELDS[l].schema.nullable().optional()])) as Record<
    Limit,
    z.ZodOptional<z.ZodNullable<z.ZodNumber>>
  >,
);

/** The limits in an admin route's JSON body (null lifts one; a field left out: unchanged). */
export function limitsFromJson(value: unknown): Partial<KeyLimits> {
  const parsed = body.safeParse(value);
  if (parsed.success)
    return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Partial<KeyLimits>;
  const issue = parsed.error.issues[0];
  const field = LIMITS.find((l) => l === issue?.path[0]);
  if (field) throw new UsageError(`${field} must be ${FIELDS[field].rule}, or null to lift it`);
  const unknown = issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : "the body";
  throw new UsageError(`${unknown}: not a key limit`, `send any of ${LIMITS.join(", ")} (a number, or null)`);
}

/** A share in words: 0.4 → "40%" (at most two decimals). */
export const sharePercent = (share: number): string => `${+(share * 100).toFixed(2)}%`;

const word: Record<Limit, (n: number) => string> = {
  rpm: (n) => `${n} rpm`,
  tokensPerDay: (n) => `${n} tokens/day`,
  maxShare: (n) => `max ${sharePercent(n)} of the weekly room`,
};

/** A key's limits in words ("30 rpm, max 40% of the weekly room", or "no limits"). */
export function limitText(k: KeyLimits): string {
  return (
    LIMITS.flatMap((l) => {
      const v = k[l];
      return v === null ? [] : [word[l](v)];
    }).join(", ") || "no limits"
  );
}

/** What an update changed, for the audit trail: "rpm 30 → none, max-share none → 0.4" (or "no change"). */
export function limitChange(before: KeyLimits, after: KeyLimits): string {
  const show = (v: number | null) => (v === null ? "none" : String(v));
  return (
    LIMITS.filter((l) => before[l] !== after[l])
      .map((l) => `${FIELDS[l].flag.slice(2)} ${show(before[l])} → ${show(after[l])}`)
      .join(", ") || "no change"
  );
}

/** Only the limits of a key row (what the audit compares and `key list` shows). */
export const limitsOf = (k: KeyLimits): KeyLimits => ({
  rpm: k.rpm,
  tokensPerDay: k.tokensPerDay,
  maxShare: k.maxShare,
});
