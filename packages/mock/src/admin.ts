/** /__mock/*: steer the mock from another process (out-of-process tests, `prodex demo`). */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { MockError } from "./errors.ts";
import type { AuthJson, MockBackend, MockFault } from "./types.ts";

const windowSchema = z.object({
  usedPercent: z.number(),
  windowSeconds: z.number().positive().optional(),
  resetAfterSeconds: z.number().nonnegative().optional(),
});

/** An auth.json as the mock writes it (`authFile`, the admin API): for readers that get one as JSON. */
export const authJsonSchema: z.ZodType<AuthJson> = z.object({
  auth_mode: z.literal("chatgpt"),
  OPENAI_API_KEY: z.null(),
  tokens: z.object({
    id_token: z.string(),
    access_token: z.string(),
    refresh_token: z.string(),
    account_id: z.string(),
  }),
  last_refresh: z.string(),
});

export const faultSchema: z.ZodType<MockFault> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("usage_limit"), resetsInSeconds: z.number().nonnegative().optional() }),
  z.object({ kind: z.literal("rate_limit") }),
  z.object({ kind: z.literal("unauthorized") }),
  z.object({ kind: z.literal("server_error"), status: z.number().int().min(500).max(599).optional() }),
  z.object({ kind: z.literal("overloaded") }),
  z.object({ kind: z.literal("slow_first_byte"), delayMs: z.number().nonnegative() }),
  z.object({ kind: z.literal("stream_failed_usage_limit") }),
  z.object({ kind: z.literal("drop_after_events"), events: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("error_after_commit"), afterEvents: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("reset_before_first_byte") }),
]);

const accountSchema = z.object({
  id: z.string().min(1),
  email: z.string().optional(),
  plan: z.string().optional(),
  primary: windowSchema.optional(),
  secondary: windowSchema.nullable().optional(),
  costPercent: z.number().nonnegative().optional(),
});

const usageSchema = z.object({ primary: windowSchema, secondary: windowSchema.nullable().optional() });
const exhaustSchema = z.object({ resetsInSeconds: z.number().nonnegative().optional() });
const faultsSchema = z.union([z.object({ faults: z.array(faultSchema) }), z.array(faultSchema), faultSchema]);
const authSchema = z.object({ expiresInSeconds: z.number().optional() });
const streamSchema = z.object({
  firstByteDelayMs: z.number().nonnegative().optional(),
  chunkDelayMs: z.number().nonnegative().optional(),
  jitterMs: z.number().nonnegative().optional(),
  chunks: z.number().int().positive().optional(),
  chunkSize: z.number().int().positive().optional(),
});
const optionsSchema = z.object({
  stream: streamSchema.optional(),
  rates: z
    .object({
      error: z.number().min(0).max(1).optional(),
      quota: z.number().min(0).max(1).optional(),
      seed: z.number().optional(),
    })
    .optional(),
  reply: z.string().optional(),
  websocket: z.object({ maxMessageBytes: z.number().int().positive().optional() }).optional(),
});

const bad = (c: Context, message: string, status: 400 | 404 = 400) =>
  c.json({ error: { type: "mock_admin_error", message } }, status);

/** Parse a JSON body with a schema, or answer one clear line. Empty bodies read as {}. */
async function body<T>(
  c: Context,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; res: Response }> {
  const text = await c.req.text();
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    return { ok: false, res: bad(c, "body is not valid JSON") };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return {
    ok: false,
    res: bad(c, `invalid body at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "unknown"}`),
  };
}

/** Run a backend call; a MockError (unknown account, duplicate id) becomes a 4xx. */
function attempt(c: Context, fn: () => unknown): Response {
  try {
    return c.json({ ok: true, result: fn() ?? null });
  } catch (e) {
    if (!(e instanceof MockError)) throw e;
    return bad(c, e.message, e.message.startsWith("unknown account") ? 404 : 400);
  }
}

export function adminRoutes(mock: MockBackend, activeStreams: () => number): Hono {
  const app = new Hono();
  app.get("/__mock/state", (c) =>
    c.json({
      url: mock.url,
      baseUrl: mock.baseUrl,
      refreshUrl: mock.refreshUrl,
      activeStreams: activeStreams(),
      accounts: mock.accounts(),
    }),
  );
  app.get("/__mock/requests", (c) => {
    const path = c.req.query("path");
    const accountId = c.req.query("accountId");
    return c.json({ requests: mock.requests({ path, accountId }) });
  });
  app.post("/__mock/accounts", async (c) => {
    const b = await body(c, accountSchema);
    return b.ok ? attempt(c, () => mock.addAccount(b.value)) : b.res;
  });
  app.post("/__mock/accounts/:id/usage", async (c) => {
    const b = await body(c, usageSchema);
    return b.ok ? attempt(c, () => mock.setUsage(c.req.param("id"), b.value.primary, b.value.secondary)) : b.res;
  });
  app.post("/__mock/accounts/:id/exhaust", async (c) => {
    const b = await body(c, exhaustSchema);
    return b.ok ? attempt(c, () => mock.exhaust(c.req.param("id"), b.value.resetsInSeconds)) : b.res;
  });
  app.post("/__mock/accounts/:id/faults", async (c) => {
    const b = await body(c, faultsSchema);
    if (!b.ok) return b.res;
    const list = Array.isArray(b.value) ? b.value : "faults" in b.value ? b.value.faults : [b.value];
    return attempt(c, () => mock.fault(c.req.param("id"), ...list));
  });
  app.post("/__mock/accounts/:id/auth", async (c) => {
    const b = await body(c, authSchema);
    return b.ok ? attempt(c, () => mock.authFile(c.req.param("id"), b.value)) : b.res;
  });
  app.post("/__mock/options", async (c) => {
    const b = await body(c, optionsSchema);
    return b.ok ? attempt(c, () => mock.setOptions(b.value)) : b.res;
  });
  app.all("/__mock/*", (c) => bad(c, `unknown admin route ${c.req.method} ${c.req.path}`, 404));
  return app;
}
