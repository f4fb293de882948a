import { LAUNCH_KEY_ENV, type ModelConfig } from "@prodex/proxy";
import { CLAUDE_FIXED_ENV, GPT_CONTEXT_TOKENS, modelEnv, routingSettings } from "../launch/claude-launch.ts";
import { codexOverrides, withLoopbackNoProxy } from "../launch/codex-launch.ts";
import type { ServeJson } from "./schemas/serve.ts";

export type ServeEndpoints = {
  url: string;
  port: number;
  secret: string;
  codexBaseUrl: string;
  chatgptBaseUrl: string;
  /** Headers a client of `codexBaseUrl` must send (the secret); Codex sends them from its environment. */
  codexHeaders: Record<string, string>;
  refreshUrl: string;
  /** Any OpenAI-compatible client: Responses, Chat Completions, models; the secret is its API key. */
  openaiBaseUrl: string;
  eventsUrl: string;
  metricsUrl: string;
};

/** Everything a script needs to point a client at the pool (prodex.serve/v1). Holds the secret. */
export type ServeContext = {
  pid: number;
  upstream: string;
  profile: string | null;
  codexHome: string | null;
  websockets: boolean;
  /** The Claude model mapping the proxy serves with; null when it serves no Anthropic routes. */
  claudeModels: ModelConfig | null;
  env: Record<string, string | undefined>;
};

/** Claude Code's settings for the proxy, as `prodex claude` sets them (the key is the proxy secret). */
function claudeJson(p: ServeEndpoints, models: ModelConfig, noProxy: string): NonNullable<ServeJson["claude"]> {
  return {
    baseUrl: p.url,
    args: ["--settings", routingSettings(p.url)],
    env: {
      ANTHROPIC_BASE_URL: p.url,
      ANTHROPIC_API_KEY: p.secret,
      ...modelEnv(models, null),
      ...CLAUDE_FIXED_ENV,
      CLAUDE_CODE_MAX_CONTEXT_TOKENS: String(GPT_CONTEXT_TOKENS),
      NO_PROXY: noProxy,
    },
  };
}

export function serveJson(p: ServeEndpoints, o: ServeContext): ServeJson {
  // The secret goes in the environment (the provider's header, the refresh URL); the arguments carry only the path id.
  const env: Record<string, string> = { CODEX_REFRESH_TOKEN_URL_OVERRIDE: p.refreshUrl, [LAUNCH_KEY_ENV]: p.secret };
  if (o.codexHome) env.CODEX_HOME = o.codexHome;
  const noProxy = withLoopbackNoProxy({ NO_PROXY: o.env.NO_PROXY ?? o.env.no_proxy }).NO_PROXY ?? "";
  env.NO_PROXY = noProxy;
  return {
    schema: "prodex.serve/v1",
    pid: o.pid,
    url: p.url,
    port: p.port,
    upstream: o.upstream,
    secret: p.secret,
    profile: o.profile,
    codex: {
      baseUrl: p.codexBaseUrl,
      chatgptBaseUrl: p.chatgptBaseUrl,
      refreshUrl: p.refreshUrl,
      args: codexOverrides(p, { websockets: o.websockets }),
      env,
    },
    openai: {
      baseUrl: p.openaiBaseUrl,
      apiKey: p.secret,
      responsesUrl: `${p.openaiBaseUrl}/responses`,
      chatCompletionsUrl: `${p.openaiBaseUrl}/chat/completions`,
      modelsUrl: `${p.openaiBaseUrl}/models`,
      headers: { ...p.codexHeaders },
    },
    claude: o.claudeModels ? claudeJson(p, o.claudeModels, noProxy) : null,
    eventsUrl: p.eventsUrl,
    metrics: { url: p.metricsUrl, headers: { authorization: `Bearer ${p.secret}` } },
  };
}

/** POSIX-shell quoting for the copy-paste lines. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function serveText(s: ServeJson): string {
  const exports = Object.entries(s.codex.env).map(([k, v]) => `  export ${k}=${shellQuote(v)}`);
  return [
    `prodex serve: the pool on ${s.url} → ${s.upstream}${s.profile ? ` (starting on ${s.profile})` : ""}; stop with Ctrl-C or SIGTERM`,
    "The lines below carry this run's secret: treat them like a password.",
    "",
    "Codex CLI:",
    ...exports,
    `  codex ${s.codex.args.map(shellQuote).join(" ")}`,
    "",
    "OpenAI-compatible clients (Responses, Chat Completions, models; the official SDKs read these two):",
    `  export OPENAI_BASE_URL=${shellQuote(s.openai.baseUrl)}`,
    `  export OPENAI_API_KEY=${shellQuote(s.openai.apiKey)}`,
    ...Object.entries(s.openai.headers).map(([k, v]) => `  a client that cannot set a key sends the header ${k}: ${v}`),
    "",
    ...(s.claude
      ? [
          "Claude Code (interactive Claude asks once to accept the key; -p does not):",
          ...Object.entries(s.claude.env)
            .filter(([k]) => k.startsWith("ANTHROPIC_") || k === "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC")
            .filter(([k]) => !/_(NAME|DESCRIPTION)$/.test(k))
            .map(([k, v]) => `  export ${k}=${shellQuote(v)}`),
          `  claude ${s.claude.args.map(shellQuote).join(" ")}`,
        ]
      : ["Claude Code: not served by this proxy"]),
    "",
    `Pool events (SSE): ${s.eventsUrl}`,
    "Prometheus metrics (text 0.0.4; the secret as a bearer token, as a scrape config's authorization sends it):",
    `  curl -s ${Object.entries(s.metrics.headers)
      .map(([k, v]) => `-H ${shellQuote(`${k}: ${v}`)}`)
      .join(" ")} ${shellQuote(s.metrics.url)}`,
  ].join("\n");
}
