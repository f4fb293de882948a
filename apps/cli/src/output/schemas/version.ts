import { z } from "zod";

/** `prodex --version --json` */
export const versionSchema = z.strictObject({
  schema: z.literal("prodex.version/v1"),
  prodex: z.string(),
  bun: z.string().nullable(),
  platform: z.string(),
  agents: z.array(
    z.strictObject({
      agent: z.enum(["codex", "claude"]),
      found: z.boolean(),
      version: z.string().nullable(),
      tested: z.string(),
      supported: z.strictObject({ oldest: z.string(), newest: z.string() }),
      source: z.enum(["env", "bundled", "agents", "path"]).nullable(),
      path: z.string().nullable(),
    }),
  ),
});

export type VersionJson = z.infer<typeof versionSchema>;
