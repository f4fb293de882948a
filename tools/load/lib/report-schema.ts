// The --json report's schema (prodex.load/v1) for scripts that read it: the fields they may rely
// on. Fields are only ever added within a version; a script should ignore the ones it does not know.
import { z } from "zod";

const summary = z.object({
  n: z.number(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});
const slice = z.object({
  requests: z.number(),
  completed: z.number(),
  errors: z.number(),
  ttfb: summary,
  total: summary,
});

export const loadReport = z.object({
  schema: z.literal("prodex.load/v1"),
  scenario: z.string(),
  quick: z.boolean(),
  transport: z.enum(["sse", "ws"]),
  target: z.string(),
  stoppedBy: z.enum(["requests", "duration", "no account left"]),
  wallMs: z.number(),
  metrics: z.object({
    requests: z.number(),
    completed: z.number(),
    aborted: z.number(),
    errors: z.number(),
    errorRate: z.number(),
    errorsWhileReady: z.number(),
    topErrors: z.array(z.object({ error: z.string(), count: z.number() })),
    ttfb: summary,
    total: summary,
    rps: z.number().nullable(),
    statuses: z.record(z.string(), z.number()),
    routes: z.record(z.string(), slice),
    phases: z.record(z.string(), slice),
    deltas: z.number(),
    orderViolations: z.number(),
    incomplete: z.number(),
  }),
  pool: z.object({
    rotations: z.number(),
    retries: z.number().nullable(),
    backoffs: z.record(z.string(), z.number()),
    sequence: z.array(z.object({ at: z.number(), profile: z.string(), reason: z.string() })),
  }),
  accounts: z.array(
    z.object({
      id: z.string(),
      profile: z.string(),
      exhausted: z.boolean(),
      usedPercent: z.number(),
      completed: z.number(),
      limited: z.number(),
    }),
  ),
  readinessLost: z.array(z.object({ account: z.string(), profile: z.string(), at: z.number(), why: z.string() })),
  memory: z.object({
    beforeMb: z.number().nullable(),
    peakMb: z.number().nullable(),
    afterMb: z.number().nullable(),
    growthPct: z.number().nullable(),
    perRequestKiB: z.number().nullable(),
    heldMb: z.number().nullable(),
    inFlightMb: z.number().nullable(),
  }),
  mock: z.object({
    activeStreamsAfter: z.number(),
    drainMs: z.number().nullable(),
    stall: z.object({ clients: z.number(), answersSent: z.number().nullable(), idle: z.boolean() }).nullable(),
  }),
  verdicts: z.array(
    z.object({ name: z.string(), ok: z.boolean(), enforced: z.boolean(), figure: z.string(), limit: z.string() }),
  ),
  ok: z.boolean(),
});
export type LoadReport = z.infer<typeof loadReport>;
