import { doctorSchema } from "./doctor.ts";
import { infoSchema } from "./info.ts";
import { eventLineSchema, runtimeLineSchema } from "./logs.ts";
import { profilesSchema } from "./profiles.ts";
import { quotaSchema } from "./quota.ts";
import { serveSchema } from "./serve.ts";
import { usageSchema } from "./usage.ts";
import { versionSchema } from "./version.ts";

/** Every `--json` output by its `schema` id (docs/json.md documents each). */
export const schemas = {
  "prodex.version/v1": versionSchema,
  "prodex.profiles/v1": profilesSchema,
  "prodex.quota/v1": quotaSchema,
  "prodex.info/v1": infoSchema,
  "prodex.doctor/v1": doctorSchema,
  "prodex.event/v1": eventLineSchema,
  "prodex.runtime-log/v1": runtimeLineSchema,
  "prodex.serve/v1": serveSchema,
  "prodex.usage/v1": usageSchema,
} as const;

export type SchemaId = keyof typeof schemas;
