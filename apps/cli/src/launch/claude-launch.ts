import type { ModelConfig } from "@prodex/proxy";
import { type LaunchSpec, withLoopbackNoProxy } from "./codex-launch.ts";

// How Claude Code is started behind the proxy (pure; docs/claude-code.md has the why of each
// variable, read off the Claude Code 2.1.197 and 2.1.332 binaries).

/**
 * Variables that send Claude Code to another vendor or carry another vendor's credentials. They are
 * removed from the child's environment so a conversation never leaves through them.
 */
const VENDOR_EXACT = new Set([
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "ANTHROPIC_BASE_URL",
  "ANTHROPIC_CUSTOM_HEADERS",
  "ANTHROPIC_UNIX_SOCKET",
  "ANTHROPIC_BETAS",
  "ANTHROPIC_ORGANIZATION_ID",
  "ANTHROPIC_WORKSPACE_ID",
  "ANTHROPIC_SERVICE_ACCOUNT_ID",
  "ANTHROPIC_PROFILE",
  "ANTHROPIC_SCOPE",
  "ANTHROPIC_ENVIRONMENT_ID",
  "ANTHROPIC_ENVIRONMENT_KEY",
  "ANTHROPIC_MODEL",
  "ANTHROPIC_SMALL_FAST_MODEL",
  "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION",
  "ANTHROPIC_CUSTOM_MODEL_OPTION",
  "CLAUDE_API_KEY",
  "CLAUDE_CONFIG_DIR",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR",
  "CLAUDE_CODE_OAUTH_REFRESH_TOKEN",
  "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR",
  "CLAUDE_CODE_API_KEY_HELPER_TTL_MS",
  "CLAUDE_CODE_SESSION_ACCESS_TOKEN",
  "CLAUDE_CODE_WEBSOCKET_AUTH_FILE_DESCRIPTOR",
  "CLAUDE_CODE_HFI_BEARER_TOKEN",
  "CLAUDE_BRIDGE_OAUTH_TOKEN",
  "CLAUDE_TRUSTED_DEVICE_TOKEN",
  "CLAUDE_CODE_API_BASE_URL",
  "CLAUDE_CODE_CUSTOM_OAUTH_URL",
  "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST",
  "CLAUDE_CODE_HOST_AUTH_ENV_VAR",
  "AWS_BEARER_TOKEN_BEDROCK",
  "CLOUD_ML_REGION",
]);

const VENDOR_PREFIXES = [
  "ANTHROPIC_BEDROCK_",
  "ANTHROPIC_VERTEX_",
  "ANTHROPIC_FOUNDRY_",
  "ANTHROPIC_AWS_",
  "ANTHROPIC_GOOGLE_CLOUD_",
  "ANTHROPIC_IDENTITY_TOKEN",
  "ANTHROPIC_FEDERATION_",
  "ANTHROPIC_DEFAULT_",
  "ANTHROPIC_CUSTOM_MODEL_OPTION_",
  "VERTEX_REGION_",
];

/**
 * Provider switches: each one routes inference away from ANTHROPIC_BASE_URL. The one list:
 * `bun run compat:check` reads the switches each supported Claude Code binary knows and fails
 * naming any that is missing here (ANTHROPIC_GOOGLE_CLOUD arrived in 2.1.332).
 */
export const PROVIDER_SWITCHES = [
  "CLAUDE_CODE_USE_BEDROCK",
  "CLAUDE_CODE_USE_VERTEX",
  "CLAUDE_CODE_USE_FOUNDRY",
  "CLAUDE_CODE_USE_ANTHROPIC_AWS",
  "CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD",
  "CLAUDE_CODE_USE_MANTLE",
  "CLAUDE_CODE_USE_GATEWAY",
] as const;

const SKIP_AUTH = /^CLAUDE_CODE_SKIP_[A-Z_]+_AUTH$/;

export function isVendorVar(name: string): boolean {
  const n = name.toUpperCase();
  if (VENDOR_EXACT.has(n) || SKIP_AUTH.test(n) || (PROVIDER_SWITCHES as readonly string[]).includes(n)) return true;
  return VENDOR_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * GPT models on the ChatGPT backend take ~272k input tokens. Claude Code assumes 200k (or 1M) for
 * names it does not know and compacts by that, so it is told the real window.
 */
export const GPT_CONTEXT_TOKENS = 272_000;

/** What every Claude Code behind the proxy gets (prodex claude and `prodex serve`'s instructions). */
export const CLAUDE_FIXED_ENV = {
  // No telemetry, error reports, update checks or other calls to Anthropic's hosts.
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  CLAUDE_CODE_DISABLE_1M_CONTEXT: "1",
  // 2.1.332 names each request's class (x-claude-code-request-class) only for a gateway that asks:
  // the proxy keeps auxiliary traffic from binding a conversation with it. Older versions ignore it.
  CLAUDE_CODE_GATEWAY_HINT_HEADERS: "1",
} as const;

/** Model variables as Claude Code 2.1 reads them: /model's picker shows these names. */
export function modelEnv(models: ModelConfig, model: string | null): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [family, label] of [
    ["opus", "Opus"],
    ["sonnet", "Sonnet"],
    ["haiku", "Haiku"],
  ] as const) {
    const key = `ANTHROPIC_DEFAULT_${family.toUpperCase()}_MODEL`;
    env[key] = models[family];
    env[`${key}_NAME`] = models[family];
    env[`${key}_DESCRIPTION`] = `${label} tier: ${models[family]} on the ChatGPT pool (prodex)`;
  }
  // Side tasks (titles, summaries); older releases read this name instead of the haiku one.
  env.ANTHROPIC_SMALL_FAST_MODEL = models.haiku;
  if (model) env.ANTHROPIC_MODEL = model;
  return env;
}

/**
 * `--settings` JSON that pins the routing after Claude Code applies every settings file's `env`
 * (user, project and local settings can set the same variables, and flag settings come last).
 * Holds no secret: the per-launch token stays in the environment, not on the command line.
 */
export function routingSettings(baseUrl: string): string {
  const env: Record<string, string> = {
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_AUTH_TOKEN: "",
    ANTHROPIC_UNIX_SOCKET: "",
    CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR: "",
  };
  for (const s of PROVIDER_SWITCHES) env[s] = "";
  // A project's own apiKeyHelper (.claude/settings.json in the folder Claude starts in) would be
  // run for nothing, and 2.1.332 warns "Both apiKeyHelper and ANTHROPIC_API_KEY set" on every start.
  return JSON.stringify({ env, apiKeyHelper: "" });
}

/** `-p` / `--print`: headless, stdout is Claude's answer only. */
export function isHeadless(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "-p" || a === "--print") return true;
  }
  return false;
}

/** The user passed their own `--settings`: prodex's routing pin is left out (Claude keeps only one). */
function hasOwnSettings(args: readonly string[]): boolean {
  return args.some((a) => a === "--settings" || a.startsWith("--settings="));
}

export type ClaudeLaunchOptions = {
  bin: string;
  userArgs: string[];
  /** `ANTHROPIC_BASE_URL`: the proxy's root. */
  baseUrl: string;
  /** The per-launch token (sent as `x-api-key`). */
  token: string;
  /** prodex-managed `CLAUDE_CONFIG_DIR`. */
  configDir: string;
  models: ModelConfig;
  /** The model Claude starts on (`--model`, PRODEX_CLAUDE_MODEL, config); null = Claude's default. */
  model: string | null;
  env: Record<string, string | undefined>;
};

export type ClaudeLaunchSpec = LaunchSpec & { removed: string[] };

export function claudeLaunch(o: ClaudeLaunchOptions): ClaudeLaunchSpec {
  const inherited = withLoopbackNoProxy(o.env);
  const env: Record<string, string> = {};
  const removed: string[] = [];
  for (const [k, v] of Object.entries(inherited)) {
    if (isVendorVar(k)) removed.push(k);
    else env[k] = v;
  }
  Object.assign(env, modelEnv(o.models, o.model), {
    ANTHROPIC_BASE_URL: o.baseUrl,
    // An API key (approved in the managed config each launch) outranks any other key source
    // Claude Code finds (apiKeyHelper, a stored key), which ANTHROPIC_AUTH_TOKEN would not.
    ANTHROPIC_API_KEY: o.token,
    CLAUDE_CONFIG_DIR: o.configDir,
    ...CLAUDE_FIXED_ENV,
  });
  env.CLAUDE_CODE_MAX_CONTEXT_TOKENS = o.env.CLAUDE_CODE_MAX_CONTEXT_TOKENS || String(GPT_CONTEXT_TOKENS);
  const overrides = hasOwnSettings(o.userArgs) ? [] : ["--settings", routingSettings(o.baseUrl)];
  return { cmd: [o.bin, ...overrides, ...o.userArgs], env, overrides, removed: removed.sort() };
}
