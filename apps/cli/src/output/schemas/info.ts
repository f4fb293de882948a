import { z } from "zod";
import { availabilitySchema, isoTime, isoTimeOrNull, percent, quotaStatus } from "./common.ts";

export const poolWindowSchema = z.strictObject({
  label: z.enum(["5h", "weekly"]),
  /** Profiles that can serve and have this window in their last snapshot. */
  profiles: z.number().int().min(0),
  /** Sum of their remaining percent ("account-percent": 3 fresh accounts = 300). */
  remainingPercent: percent,
  /** profiles × 100. */
  capacityPercent: percent,
  /** remainingPercent / profiles; null with no profile. */
  averageRemainingPercent: percent.nullable(),
  /** Account-percent used per hour over the recent history; null without enough history. */
  burnPercentPerHour: percent.nullable(),
  /** When the pooled remainder hits zero at that rate, not counting resets in between. */
  runsOutAt: isoTimeOrNull,
  runsOutInSeconds: z.number().int().min(0).nullable(),
  /** The soonest reset among these windows. */
  nextResetAt: isoTimeOrNull,
});

/** `prodex info --json` */
export const infoSchema = z.strictObject({
  schema: z.literal("prodex.info/v1"),
  generatedAt: isoTime,
  version: z.strictObject({ prodex: z.string(), bun: z.string().nullable() }),
  home: z.string(),
  database: z.string(),
  current: z.string().nullable(),
  profiles: z.array(
    z.strictObject({
      name: z.string(),
      current: z.boolean(),
      email: z.string().nullable(),
      plan: z.string().nullable(),
      status: quotaStatus,
      needsLogin: z.boolean(),
      availability: availabilitySchema,
      fiveHourRemainingPercent: percent.nullable(),
      weeklyRemainingPercent: percent.nullable(),
      fetchedAt: isoTimeOrNull,
    }),
  ),
  pool: z.strictObject({
    profiles: z.number().int().min(0),
    /** Can take work now (core's availability: logged in, not exhausted, not resting). */
    ready: z.number().int().min(0),
    exhausted: z.number().int().min(0),
    /** Resting after a failure (a rate limit, an overload), for the time its availability says. */
    resting: z.number().int().min(0),
    /** Taken out of the pool by its operator (`prodex profile pause`). */
    paused: z.number().int().min(0),
    needsLogin: z.number().int().min(0),
    windows: z.array(poolWindowSchema),
    /** The earlier of the windows' runsOutAt. */
    runsOutAt: isoTimeOrNull,
  }),
  runtimes: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(["proxy", "broker", "serve"]),
      pid: z.number().int(),
      alive: z.boolean(),
      url: z.string(),
      upstream: z.string(),
      startedAt: isoTime,
      heartbeatAt: isoTime,
    }),
  ),
});

export type InfoJson = z.infer<typeof infoSchema>;
export type PoolWindowJson = z.infer<typeof poolWindowSchema>;
