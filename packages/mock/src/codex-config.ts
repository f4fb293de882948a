/** The `codex` flags that point Codex CLI at a ChatGPT-shaped backend over plain http (protocol README §1). */

export type CodexTarget = {
  /** The ChatGPT base, e.g. "http://127.0.0.1:PORT/backend-api" (the mock's baseUrl). */
  baseUrl: string;
  /** Let Codex try the Responses websocket first (default true, as the real backend allows). */
  websockets?: boolean;
  /** Keep Codex's analytics and metrics exporters on (default false: tests stay on loopback). */
  analytics?: boolean;
};

/**
 * `-c` overrides for a custom provider "prodex" on `${baseUrl}/codex` plus the ChatGPT routes on
 * `${baseUrl}/`. A custom provider keeps inference on this origin whatever wham/accounts/check says.
 */
export function codexConfigArgs(t: CodexTarget): string[] {
  const base = t.baseUrl.replace(/\/+$/, "");
  const provider = [
    `name="prodex"`,
    `base_url="${base}/codex"`,
    `wire_api="responses"`,
    `requires_openai_auth=true`,
    `supports_websockets=${t.websockets ?? true}`,
  ].join(",");
  const args = [
    "-c",
    `model_providers.prodex={${provider}}`,
    "-c",
    "model_provider=prodex",
    "-c",
    `chatgpt_base_url="${base}/"`,
  ];
  // Without this Codex also posts metrics to ab.chatgpt.com and analytics events to the base.
  if (!t.analytics) args.push("-c", "analytics.enabled=false");
  return args;
}
