import { z } from "zod";

// `GET wham/usage` (protocol reference §1, examples/wham-usage.json). Lenient: unknown fields pass,
// missing windows are allowed (they become "unknown", never "exhausted").
const windowSchema = z
  .object({
    used_percent: z.number(),
    limit_window_seconds: z.number().nullish(),
    reset_after_seconds: z.number().nullish(),
    reset_at: z.number().nullish(),
  })
  .loose();

const rateLimitSchema = z
  .object({
    allowed: z.boolean().nullish(),
    limit_reached: z.boolean().nullish(),
    // A window we cannot read is unknown (dropped), never a failed fetch and never "exhausted".
    primary_window: windowSchema.nullish().catch(null),
    secondary_window: windowSchema.nullish().catch(null),
  })
  .loose();

export const usageResponseSchema = z
  .object({
    account_id: z.string().nullish(),
    email: z.string().nullish(),
    plan_type: z.string().nullish(),
    rate_limit: rateLimitSchema.nullish(),
    additional_rate_limits: z
      .array(
        z
          .object({
            limit_name: z.string().nullish(),
            metered_feature: z.string().nullish(),
            rate_limit: rateLimitSchema.nullish(),
          })
          .loose(),
      )
      .nullish(),
    rate_limit_reached_type: z.string().nullish(),
  })
  .loose();

export type UsageResponse = z.infer<typeof usageResponseSchema>;
export type RawWindow = z.infer<typeof windowSchema>;
