import { z } from "zod";
import { availabilitySchema, isoTime, isoTimeOrNull, percent, quotaStatus, windowLabel } from "./common.ts";

/** `prodex quota --json` */
export const quotaSchema = z.strictObject({
  schema: z.literal("prodex.quota/v1"),
  generatedAt: isoTime,
  profiles: z.array(
    z.strictObject({
      name: z.string(),
      email: z.string().nullable(),
      accountId: z.string().nullable(),
      plan: z.string().nullable(),
      current: z.boolean(),
      status: quotaStatus,
      needsLogin: z.boolean(),
      availability: availabilitySchema,
      fetchedAt: isoTimeOrNull,
      ageSeconds: z.number().int().min(0).nullable(),
      stale: z.boolean(),
      error: z.string().nullable(),
      windows: z.array(
        z.strictObject({
          limit: z.string(),
          label: windowLabel,
          usedPercent: z.number(),
          remainingPercent: percent,
          windowSeconds: z.number().nullable(),
          resetAt: isoTimeOrNull,
          resetInSeconds: z.number().int().min(0).nullable(),
        }),
      ),
    }),
  ),
});

export type QuotaJson = z.infer<typeof quotaSchema>;
