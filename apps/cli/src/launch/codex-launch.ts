// How Codex is started behind the proxy (pure; docs/architecture.md, "A Codex request", has the why).
import { LAUNCH_KEY_ENV, LAUNCH_KEY_HEADER } from "@prodex/proxy";
import { versionAtLeast } from "./version-order.ts";

export type ProxyEndpoints = { codexBaseUrl: string; chatgptBaseUrl: string; refreshUrl: string; secret: string };

export type LaunchSpec = { cmd: string[]; env: Record<string, string>; overrides: string[] };

const LOOPBACK = ["127.0.0.1", "localhost", "::1"];

/** `NO_PROXY` always covers loopback so a user's HTTP(S)_PROXY never sees proxy traffic. */
export function withLoopbackNoProxy(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  const existing = (out.NO_PROXY ?? out.no_proxy ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const merged = [...existing, ...LOOPBACK.filter((h) => !existing.includes(h))].join(",");
  out.NO_PROXY = merged;
  out.no_proxy = merged;
  return out;
}

/**
 * `-c` overrides that send all of Codex's ChatGPT traffic through the proxy (Codex 0.169):
 * a custom Responses provider on the proxy (same origin is fine for custom providers, and
 * inference stays there whatever workspace discovery says) plus `chatgpt_base_url` for the
 * wham/* routes, which the proxy answers or forwards. Arguments are readable by other users,
 * so the URLs carry only the launch's path id; the provider's requests add the secret as a
 * header Codex reads from its environment (`env_http_headers`).
 */
export function codexOverrides(p: ProxyEndpoints, options: { websockets: boolean; gateway?: boolean }): string[] {
  // Through a team gateway Codex's placeholder login carries the gateway key as its bearer token
  // (core's gateway-login.ts), so no header of ours is added; locally the launch secret goes in a header.
  const header = options.gateway ? [] : [`env_http_headers={"${LAUNCH_KEY_HEADER}"="${LAUNCH_KEY_ENV}"}`];
  const provider = [
    `name="prodex"`,
    `base_url="${p.codexBaseUrl}"`,
    `wire_api="responses"`,
    "requires_openai_auth=true",
    `supports_websockets=${options.websockets}`,
    ...header,
  ].join(",");
  return [
    "-c",
    `model_providers.prodex={${provider}}`,
    "-c",
    "model_provider=prodex",
    "-c",
    `chatgpt_base_url="${p.chatgptBaseUrl}"`,
  ];
}

/** Where a laptop keeps its gateway key (the launch reads it; Codex itself never gets this variable). */
export const GATEWAY_KEY_ENV = "PRODEX_GATEWAY_KEY";

type CodexWords = { bin: string; subcommand: string[]; userArgs: string[]; version: string | null };

/** The command both Codex launches (proxy, gateway) run: the overrides before the user's own arguments. */
function codexSpec(words: CodexWords, overrides: string[], env: Record<string, string>): LaunchSpec {
  const cmd = [
    words.bin,
    ...words.subcommand,
    ...overrides,
    ...embeddedFlag(words.subcommand, words.version),
    ...words.userArgs,
  ];
  return { cmd, env, overrides };
}

/**
 * The gateway's endpoints for Codex: its Codex routes, its ChatGPT routes, and its answers to Codex's own login
 * calls.
 */
export function gatewayEndpoints(url: string): ProxyEndpoints & { revokeUrl: string } {
  return {
    codexBaseUrl: `${url}/backend-api/codex`,
    chatgptBaseUrl: `${url}/backend-api/`,
    refreshUrl: `${url}/oauth/token`,
    revokeUrl: `${url}/oauth/revoke`,
    secret: "",
  };
}

/**
 * Codex pointed at a team gateway (`prodex run|exec --gateway URL`): the gateway's Codex routes over its websocket
 * (same rule as locally), a Codex home of its own whose placeholder login holds the gateway key (the caller writes
 * it), and Codex's refresh and revoke calls sent to the gateway, never to auth.openai.com.
 */
export function codexGatewayLaunch(options: {
  bin: string;
  subcommand: string[];
  userArgs: string[];
  codexHome: string;
  gateway: { url: string };
  env: Record<string, string | undefined>;
  websockets: boolean;
  version: string | null;
}): LaunchSpec {
  const endpoints = gatewayEndpoints(options.gateway.url);
  // ChatGPT apps (connectors, ps/mcp) would be a pool account's own; the gateway refuses them, so Codex is told not to
  // start them rather than warn about the refusal at every start.
  const overrides = [
    ...codexOverrides(endpoints, { websockets: options.websockets, gateway: true }),
    "-c",
    "features.apps=false",
  ];
  const env = withLoopbackNoProxy(options.env);
  env.CODEX_HOME = options.codexHome;
  env.CODEX_REFRESH_TOKEN_URL_OVERRIDE = endpoints.refreshUrl;
  // `codex logout` would otherwise send the key (its "access token") to auth.openai.com.
  env.CODEX_REVOKE_TOKEN_URL_OVERRIDE = endpoints.revokeUrl;
  delete env[GATEWAY_KEY_ENV];
  return codexSpec(options, overrides, env);
}

/**
 * Codex talks to the proxy over its Responses websocket (the proxy rotates it like HTTP);
 * `PRODEX_CODEX_WEBSOCKETS=0` keeps Codex on HTTP/SSE if a setup needs that.
 */
export function codexWebsockets(env: Record<string, string | undefined>): boolean {
  return env.PRODEX_CODEX_WEBSOCKETS !== "0";
}

/** The first Codex known to take `--no-daemon` (older ones may refuse it; compat:check looks for the flag). */
export const NO_DAEMON_SINCE = "0.169.0";

/**
 * `--no-daemon` for the interactive Codex. 0.169 would use a shared background server, which
 * the launch's `-c` overrides rule out, and says so on every start ("Running without the shared
 * background server…"); asked for explicitly, it starts without the warning. `codex exec` has no
 * such flag, and a version before NO_DAEMON_SINCE (or an unknown one) gets nothing.
 */
export function embeddedFlag(subcommand: readonly string[], version: string | null): string[] {
  return subcommand.length === 0 && version !== null && versionAtLeast(version, NO_DAEMON_SINCE) ? ["--no-daemon"] : [];
}

export function codexLaunch(options: {
  bin: string;
  /** Leading codex words, e.g. ["exec"] for `prodex exec`. */
  subcommand: string[];
  userArgs: string[];
  codexHome: string;
  proxy: ProxyEndpoints;
  env: Record<string, string | undefined>;
  websockets: boolean;
  /** The Codex version found (null: unknown), for flags only some versions take. */
  version: string | null;
}): LaunchSpec {
  const overrides = codexOverrides(options.proxy, { websockets: options.websockets });
  const env = withLoopbackNoProxy(options.env);
  env.CODEX_HOME = options.codexHome;
  // Codex refreshes through the proxy, which single-flights refreshes across the pool.
  env.CODEX_REFRESH_TOKEN_URL_OVERRIDE = options.proxy.refreshUrl;
  // The launch secret: only in the environment (private to the user), never in the arguments.
  env[LAUNCH_KEY_ENV] = options.proxy.secret;
  return codexSpec(options, overrides, env);
}

/** `--dry-run` text with the value of every secret-named variable in `env` masked wherever it appears. */
export function redactInherited(text: string, env: Record<string, string | undefined>): string {
  let out = text;
  for (const [k, v] of Object.entries(env)) if (v && isSecretName(k)) out = out.split(v).join("***");
  return out;
}

/** Environment variables whose values are secrets whatever their content. */
export function isSecretName(name: string): boolean {
  if (name === LAUNCH_KEY_ENV || name === GATEWAY_KEY_ENV) return true;
  return /TOKEN|SECRET|PASSWORD|API_KEY|AUTH/i.test(name) && !/^CODEX_(REFRESH|REVOKE)_TOKEN_URL_OVERRIDE$/.test(name);
}
