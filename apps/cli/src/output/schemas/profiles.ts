import { z } from "zod";
import { isoTime, isoTimeOrNull } from "./common.ts";

/** `prodex profile list --json` */
export const profilesSchema = z.strictObject({
  schema: z.literal("prodex.profiles/v1"),
  profiles: z.array(
    z.strictObject({
      name: z.string(),
      current: z.boolean(),
      kind: z.enum(["managed", "external"]),
      codexHome: z.string(),
      accountId: z.string().nullable(),
      email: z.string().nullable(),
      plan: z.string().nullable(),
      auth: z.enum(["chatgpt", "api-key", "no-auth", "invalid"]),
      needsLogin: z.boolean(),
      createdAt: isoTime,
      lastSelectedAt: isoTimeOrNull,
      /** Taken out of the pool (`prodex profile pause`) since then; null: in the pool. */
      pausedAt: isoTimeOrNull,
    }),
  ),
});

export type ProfilesJson = z.infer<typeof profilesSchema>;
