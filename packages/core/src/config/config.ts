import { readFileSync } from "node:fs";
import { z } from "zod";
import { errorCode } from "@prodex/guards";
import { UsageError } from "../errors.ts";

// `$PRODEX_HOME/config.json`: optional user settings. Unknown top-level sections are kept (other
// features add theirs); known sections are strict so a typo is reported instead of ignored.

export const ModelName = z
  .string()
  .trim()
  .min(1, "must be a non-empty model name")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9][\w.:/-]*$/, "must be a model name such as gpt-5 (letters, digits, . _ : / -)");

/** Upstream model for each Claude family (`default`: Claude names of no known family). */
export const ClaudeModelsConfig = z.strictObject({
  opus: ModelName.optional(),
  sonnet: ModelName.optional(),
  haiku: ModelName.optional(),
  default: ModelName.optional(),
});

export const ClaudeConfig = z.strictObject({
  models: ClaudeModelsConfig.optional(),
  /** The model Claude Code starts on (same as `prodex claude --model`). */
  model: ModelName.optional(),
});

export const ProdexConfig = z.looseObject({
  claude: ClaudeConfig.optional(),
});

export type ClaudeModelsConfig = z.output<typeof ClaudeModelsConfig>;
export type ProdexConfig = z.output<typeof ProdexConfig>;

/** The config file is unreadable or does not match the schema. */
export class ConfigError extends UsageError {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, `fix ${path} (or move it away to use the defaults)`, options);
  }
}

/** Parses config text; `path` only names the file in errors. */
export function parseConfig(text: string, path: string): ProdexConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(`${path} is not valid JSON (${why})`, path, { cause });
  }
  const parsed = ProdexConfig.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "(top level)";
  throw new ConfigError(`${path}: ${where}: ${issue?.message ?? "invalid value"}`, path, { cause: parsed.error });
}

/** Reads the config; a missing file is an empty config. */
export function loadConfig(path: string): ProdexConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    if (errorCode(cause) === "ENOENT") return {};
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(`cannot read ${path} (${why})`, path, { cause });
  }
  return parseConfig(text, path);
}
