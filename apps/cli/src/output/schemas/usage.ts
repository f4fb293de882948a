import { z } from "zod";
import { isoTime } from "./common.ts";

const count = z.number().int().min(0);

/** One group's totals over the usage ledger. */
export const usageTotalSchema = z.strictObject({
  group: z.string(),
  requests: count,
  errors: count,
  inputTokens: count,
  cachedTokens: count,
  outputTokens: count,
  reasoningTokens: count,
  totalTokens: count,
  rotations: count,
});

/** `prodex usage --json`: the local ledger's totals since a time, grouped one way. */
export const usageSchema = z.strictObject({
  schema: z.literal("prodex.usage/v1"),
  since: isoTime,
  by: z.enum(["profile", "model", "day", "client", "key"]),
  groups: z.array(usageTotalSchema),
  total: usageTotalSchema,
});

export type UsageJson = z.infer<typeof usageSchema>;
