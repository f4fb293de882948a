import { z } from "zod";
import { isoTime } from "./common.ts";

export const severity = z.enum(["ok", "info", "warn", "error"]);
export const area = z.enum(["agents", "files", "database", "auth", "network", "env", "logs"]);

export const findingSchema = z.strictObject({
  /** Stable id of the check, e.g. "files.auth-mode" (see docs/json.md). */
  id: z.string(),
  area,
  severity,
  /** One line: what was found, where. */
  message: z.string(),
  /** One line: what to do; null when nothing is needed. */
  fix: z.string().nullable(),
  profile: z.string().nullable(),
  path: z.string().nullable(),
});

/** `prodex doctor --json` */
export const doctorSchema = z.strictObject({
  schema: z.literal("prodex.doctor/v1"),
  generatedAt: isoTime,
  ok: z.boolean(),
  exitCode: z.number().int(),
  counts: z.strictObject({
    ok: z.number().int(),
    info: z.number().int(),
    warn: z.number().int(),
    error: z.number().int(),
  }),
  findings: z.array(findingSchema),
});

export type Severity = z.infer<typeof severity>;
export type Area = z.infer<typeof area>;
export type Finding = z.infer<typeof findingSchema>;
export type DoctorJson = z.infer<typeof doctorSchema>;
