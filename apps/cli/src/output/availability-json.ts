import type { AccountStatus } from "@prodex/core";
import { iso } from "./iso.ts";
import type { z } from "zod";
import type { availabilitySchema } from "./schemas/common.ts";

/** The `availability` object of `prodex quota --json` and `prodex info --json`. */
export function availabilityJson(s: AccountStatus): z.infer<typeof availabilitySchema> {
  return { state: s.state, label: s.label, reason: s.reason, until: iso(s.until), since: iso(s.since) };
}
