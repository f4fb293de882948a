// The JSON lines the runners print when they are ready (see runners/), checked where a bench or a
// load run reads them: one schema per runner, so a field the runner adds is described once.
import { z } from "zod";

/** runners/mock-runner.ts (and the mock's own main.ts): the backend and one auth.json per account. */
export const mockReady = z.object({
  url: z.string(),
  baseUrl: z.string(),
  refreshUrl: z.string(),
  accounts: z
    .array(
      z.object({
        id: z.string(),
        auth: z.object({ tokens: z.object({ access_token: z.string(), account_id: z.string() }) }).loose(),
      }),
    )
    .min(1),
});

/** runners/proxy-runner.ts: the proxy's doors and the launch secret. */
export const proxyReady = z.object({
  url: z.string(),
  codexBaseUrl: z.string(),
  codexHeaders: z.record(z.string(), z.string()),
  openaiBaseUrl: z.string(),
  secret: z.string(),
  stateUrl: z.string(),
  eventsUrl: z.string(),
  runtimeLogPath: z.string().optional(),
});
