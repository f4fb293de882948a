import { z } from "zod";

/** ISO-8601 UTC timestamps, as `Date.prototype.toISOString` writes them. */
export const isoTime = z.iso.datetime();
export const isoTimeOrNull = isoTime.nullable();
export const quotaStatus = z.enum(["ready", "thin", "critical", "exhausted", "unknown"]);
export const windowLabel = z.enum(["5h", "weekly", "other"]);
export const percent = z.number().min(0);
/** Core's availability (pool/account-status.ts): can it serve, why not, until when — as the panel says it. */
export const availabilitySchema = z.strictObject({
  state: z.enum(["ready", "needs-login", "quota", "resting", "paused", "unknown"]),
  label: z.string(),
  reason: z.string().nullable(),
  until: isoTimeOrNull,
  since: isoTimeOrNull,
});
