import { z } from "zod";
import { isoTime } from "./common.ts";

/** One line of `prodex logs --json` (JSON Lines: one event per line, oldest first). */
export const eventLineSchema = z.strictObject({
  schema: z.literal("prodex.event/v1"),
  id: z.number().int(),
  at: isoTime,
  kind: z.string(),
  level: z.enum(["info", "warn", "error"]),
  profile: z.string().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  pid: z.number().int().nullable(),
  source: z.string().nullable(),
});

/** One line of `prodex logs --runtime --json`: a runtime log line as written. */
export const runtimeLineSchema = z.strictObject({
  schema: z.literal("prodex.runtime-log/v1"),
  file: z.string(),
  line: z.string(),
});

export type EventLineJson = z.infer<typeof eventLineSchema>;
export type RuntimeLineJson = z.infer<typeof runtimeLineSchema>;
