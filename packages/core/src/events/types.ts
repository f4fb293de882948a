// The pool's timeline. Events are stored (packages/store `events`) and streamed live by the
// proxy's `/__prodex/events` endpoint; the dashboard renders them. Every kind and the shape of
// its data are declared once, with defineEvent: the compiler checks each emit, and whatever
// reads events from outside (the store, the network) validates them with the same schemas.
import { z } from "zod";

/** One kind of event and the zod schema of its `data` (z.undefined(): it carries none). */
export function defineEvent<K extends string, D extends z.ZodType>(kind: K, data: D): { kind: K; data: D } {
  return { kind, data };
}

const none = z.undefined();
const restKind = z.enum(["quota", "transient", "overload", "auth"]);

const registry = [
  defineEvent("quota.fetched", z.object({ status: z.string() })),
  defineEvent("quota.failed", none),
  defineEvent("profile.selected", z.object({ from: z.string().nullable() })),
  defineEvent(
    "rotation",
    z.object({ from: z.string(), to: z.string(), reason: z.string(), kind: restKind, client: z.string() }),
  ),
  defineEvent("backoff", z.object({ reason: restKind, until: z.number() })),
  defineEvent("backoff.cleared", none),
  defineEvent("token.refreshed", none),
  defineEvent("token.refresh_failed", none),
  defineEvent("auth.needs_login", none),
  defineEvent("request.completed", none),
  defineEvent("request.failed", none),
  defineEvent("continuation.stale", none),
  defineEvent("proxy.started", z.object({ port: z.number() })),
  defineEvent("proxy.stopped", none),
  defineEvent("control", none),
  defineEvent("error", none),
  // A team gateway key refused for its own limit (once per limit period, not per request).
  defineEvent("key.limited", z.object({ key: z.string(), limit: z.string(), resetAt: z.number() })),
  // The team gateway's audit trail: who changed keys, limits, accounts or the secret key (a limit change: from, to).
  defineEvent(
    "audit",
    z.object({
      action: z.string(),
      who: z.string(),
      subject: z.string(),
      from: z.record(z.string(), z.number().nullable()).optional(),
      to: z.record(z.string(), z.number().nullable()).optional(),
    }),
  ),
] as const;

type Registry = (typeof registry)[number];
export type EventKind = Registry["kind"];
export type EventLevel = "info" | "warn" | "error";
/** The data an event of kind `K` carries. */
export type EventData<K extends EventKind> = z.infer<Extract<Registry, { kind: K }>["data"]>;

export const eventKinds: readonly EventKind[] = registry.map((e) => e.kind);

type Common = {
  id: number;
  /** Epoch ms. */
  at: number;
  level: EventLevel;
  profile: string | null;
  /** One human-readable line (never contains secrets). */
  message: string;
  pid?: number;
  /** Launch id of the process that wrote it. */
  source?: string;
};

/** An event of kind `K`. `data` may be missing on events older prodex versions stored. */
export type EventOf<K extends EventKind> = Common & { kind: K; data?: EventData<K> };

/** Any event: a union discriminated by `kind`. */
export type PoolEvent = { [K in EventKind]: EventOf<K> }[EventKind];

type NewOf<K extends EventKind> = {
  kind: K;
  message: string;
  at?: number;
  level?: EventLevel;
  profile?: string | null;
  data?: EventData<K>;
};

/** What `EventLog.emit` takes: the data, when given, is checked against its kind's by the compiler. */
export type NewEvent = { [K in EventKind]: NewOf<K> }[EventKind];

const common = {
  id: z.number(),
  at: z.number(),
  level: z.enum(["info", "warn", "error"]),
  profile: z.string().nullable(),
  message: z.string(),
  pid: z.number().optional(),
  source: z.string().optional(),
};

/** Validates an event read from outside the process (the store, the proxy's feed). */
export const poolEventSchema = z.discriminatedUnion(
  "kind",
  registry.map((e) => z.object({ ...common, kind: z.literal(e.kind), data: e.data.optional() })) as unknown as [
    z.ZodObject<{ kind: z.ZodLiteral<EventKind> }>,
    ...z.ZodObject<{ kind: z.ZodLiteral<EventKind> }>[],
  ],
) as unknown as z.ZodType<PoolEvent>;

/** The event, or null when it is not one this version knows (a newer kind, a malformed payload). */
export function parsePoolEvent(input: unknown): PoolEvent | null {
  const parsed = poolEventSchema.safeParse(input);
  return parsed.success ? parsed.data : null;
}

const dataSchemas = new Map<string, z.ZodType>(registry.map((e) => [e.kind, e.data]));

/**
 * An event put together from loosely typed parts (a stored row, a fixture): unknown kinds are
 * refused (null), data that does not fit its kind is dropped rather than trusted.
 */
export function looseEvent(
  parts: Omit<PoolEvent, "kind" | "data"> & { kind: string; data?: unknown },
): PoolEvent | null {
  const schema = dataSchemas.get(parts.kind);
  if (!schema) return null;
  const data = parts.data === undefined || parts.data === null ? undefined : schema.safeParse(parts.data);
  return { ...parts, data: data?.success ? data.data : undefined } as PoolEvent;
}
