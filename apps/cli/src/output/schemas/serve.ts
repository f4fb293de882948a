import { z } from "zod";

/** The one line `prodex serve --json` prints once the proxy listens. It holds the proxy secret. */
export const serveSchema = z.strictObject({
  schema: z.literal("prodex.serve/v1"),
  pid: z.number().int(),
  url: z.string(),
  port: z.number().int(),
  upstream: z.string(),
  /** The per-run secret: the credential for this proxy. Treat it like a password. */
  secret: z.string(),
  profile: z.string().nullable(),
  codex: z.strictObject({
    baseUrl: z.string(),
    chatgptBaseUrl: z.string(),
    refreshUrl: z.string(),
    /** `codex` arguments that point it at the pool (no secret: only the path id). */
    args: z.array(z.string()),
    /** Its environment: PRODEX_LAUNCH_KEY (the secret, sent as a header) and the refresh URL. */
    env: z.record(z.string(), z.string()),
  }),
  /** Any OpenAI-compatible client: `apiKey` (the secret) as its API key, or `headers` (the secret as `x-prodex-key`) with every request. */
  openai: z.strictObject({
    baseUrl: z.string(),
    apiKey: z.string(),
    responsesUrl: z.string(),
    chatCompletionsUrl: z.string(),
    modelsUrl: z.string(),
    headers: z.record(z.string(), z.string()),
  }),
  /** Claude Code on the pool: ANTHROPIC_BASE_URL and the rest of `prodex claude`'s settings. */
  claude: z
    .strictObject({ baseUrl: z.string(), args: z.array(z.string()), env: z.record(z.string(), z.string()) })
    .nullable(),
  eventsUrl: z.string(),
  /** Prometheus text 0.0.4 (`GET`); `headers` carry the secret as a bearer token, what a scrape config sends. */
  metrics: z.strictObject({ url: z.string(), headers: z.record(z.string(), z.string()) }),
});

export type ServeJson = z.infer<typeof serveSchema>;
