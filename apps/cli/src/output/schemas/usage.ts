import { ledgerTotalShape } from "@prodex/core";
import { z } from "zod";
import { isoTime } from "./common.ts";

/** One group's totals over the usage ledger. */
export const usageTotalSchema = z.strictObject(ledgerTotalShape);

/** `prodex usage --json`: the local ledger's totals since a time, grouped one way. */
export const usageSchema = z.strictObject({
  schema: z.literal("prodex.usage/v1"),
  since: isoTime,
  by: z.enum(["profile", "model", "day", "client", "key"]),
  groups: z.array(usageTotalSchema),
  total: usageTotalSchema,
});

export type UsageJson = z.infer<typeof usageSchema>;
