import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";

// The team gateway's shared state (PostgreSQL). Times are Unix epoch milliseconds, as in the SQLite store.
const ms = (name: string) => bigint(name, { mode: "number" });

/** Pool accounts. The tokens (auth.json as Codex writes it) only ever as AES-256-GCM ciphertext. */
export const accounts = pgTable(
  "gw_accounts",
  {
    name: text("name").primaryKey(),
    accountId: text("account_id"),
    email: text("email"),
    plan: text("plan"),
    // base64(iv | tag | ciphertext), sealed with the secret key `keyId` and the account name as associated data.
    tokenCipher: text("token_cipher").notNull(),
    keyId: text("key_id").notNull(),
    // Bumped by every token write: a refresh writes only over the version it read (never older over newer).
    tokenVersion: integer("token_version").notNull().default(1),
    // Access-token expiry and last_refresh (epoch ms): readable without the key, to pick who refreshes.
    expiresAt: ms("expires_at"),
    lastRefresh: ms("last_refresh").notNull().default(0),
    needsLogin: boolean("needs_login").notNull().default(false),
    // Taken out of the pool by an admin (`prodex gateway account pause`, the team dashboard): when, and who.
    pausedAt: ms("paused_at"),
    pausedBy: text("paused_by"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [uniqueIndex("gw_accounts_account_id").on(t.accountId)],
);

/** Gateway keys: only a SHA-256 of each key is kept. */
export const apiKeys = pgTable(
  "gw_api_keys",
  {
    name: text("name").primaryKey(),
    role: text("role", { enum: ["user", "viewer", "admin"] }).notNull(),
    hash: text("hash").notNull(),
    // The key's first characters, so an operator can tell keys apart in `key list`.
    hint: text("hint").notNull(),
    createdAt: ms("created_at").notNull(),
    revokedAt: ms("revoked_at"),
    // Optional limits (null: none): requests per minute, tokens (input + output) per UTC day, and the most of the
    // pool's weekly room the key may take (0 < share <= 1; the gateway's share-check.ts says how it is measured).
    rpm: integer("rpm"),
    tokensPerDay: bigint("tokens_per_day", { mode: "number" }),
    maxShare: doublePrecision("max_share"),
  },
  (t) => [uniqueIndex("gw_api_keys_hash").on(t.hash)],
);

/** The secret keys tokens were sealed with: id + a sealed check value, so a wrong key is caught before any write. */
export const secretKeys = pgTable(
  "gw_secret_keys",
  {
    id: text("id").primaryKey(),
    check: text("check").notNull(),
    current: boolean("current").notNull().default(true),
    createdAt: ms("created_at").notNull(),
  },
  // At most one current key: two first instances started with different keys cannot both adopt theirs.
  (t) => [uniqueIndex("gw_secret_keys_current").on(t.current).where(sql`${t.current}`)],
);

export const usage = pgTable("gw_usage", {
  account: text("account")
    .primaryKey()
    .references(() => accounts.name, { onDelete: "cascade" }),
  fetchedAt: ms("fetched_at").notNull(),
  source: text("source", { enum: ["live", "headers"] }).notNull(),
  plan: text("plan"),
  windows: jsonb("windows").notNull(),
});

export const backoffs = pgTable("gw_backoffs", {
  account: text("account")
    .primaryKey()
    .references(() => accounts.name, { onDelete: "cascade" }),
  reason: text("reason").notNull(),
  until: ms("until").notNull(),
  attempts: integer("attempts").notNull().default(1),
  message: text("message"),
  instance: text("instance"),
  updatedAt: ms("updated_at").notNull(),
});

export const bindings = pgTable(
  "gw_bindings",
  {
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    account: text("account")
      .notNull()
      .references(() => accounts.name, { onDelete: "cascade" }),
    lastUsedAt: ms("last_used_at").notNull(),
    expiresAt: ms("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index("gw_bindings_expiry").on(t.expiresAt)],
);

export const events = pgTable(
  "gw_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // instance + its own sequence number: a batch flushed twice (a lost commit reply) is stored once.
    instance: text("instance").notNull(),
    seq: ms("seq").notNull(),
    at: ms("at").notNull(),
    kind: text("kind").notNull(),
    level: text("level").notNull().default("info"),
    account: text("account"),
    message: text("message").notNull(),
    data: jsonb("data"),
  },
  (t) => [uniqueIndex("gw_events_instance_seq").on(t.instance, t.seq), index("gw_events_at").on(t.at)],
);

export const instances = pgTable("gw_instances", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  url: text("url").notNull(),
  pid: integer("pid").notNull(),
  version: text("version").notNull(),
  startedAt: ms("started_at").notNull(),
  heartbeatAt: ms("heartbeat_at").notNull(),
  // Readiness as the instance last saw itself (null: ready), refreshed with each heartbeat: what a dashboard shows.
  notReady: text("not_ready"),
});

/**
 * The operator's hand on the whole pool (one row, id 1): the account every instance's selection pins, and whether
 * instances rotate at all — the same two controls the local dashboard gives one proxy, stored once for all.
 */
export const poolControl = pgTable("gw_pool_control", {
  id: integer("id").primaryKey(),
  pinned: text("pinned").references(() => accounts.name, { onDelete: "set null" }),
  autoRotate: boolean("auto_rotate").notNull().default(true),
  updatedAt: ms("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/**
 * The usage ledger (one row per request that reached an account), written behind the request by each instance.
 * The request id is the key: a batch sent again after an outage or a lost commit reply is stored once.
 */
export const requestLedger = pgTable(
  "gw_request_ledger",
  {
    requestId: text("request_id").primaryKey(),
    at: ms("at").notNull(),
    /** The gateway key's name (never the key). */
    caller: text("caller").notNull(),
    /** The account that served it (the same field as a laptop's profile). */
    profile: text("account").notNull(),
    client: text("client").notNull(),
    model: text("model"),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    cachedTokens: bigint("cached_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    reasoningTokens: bigint("reasoning_tokens", { mode: "number" }).notNull().default(0),
    status: integer("status").notNull(),
    outcome: text("outcome").notNull(),
    rotations: integer("rotations").notNull().default(0),
    ttfbMs: integer("ttfb_ms"),
    durationMs: integer("duration_ms").notNull(),
    instance: text("instance").notNull(),
  },
  (t) => [index("gw_request_ledger_at").on(t.at), index("gw_request_ledger_caller_at").on(t.caller, t.at)],
);

/**
 * Per-key counters behind the limits, one row per key, window kind and window start: every instance adds
 * what it admitted (requests) and what was served (tokens), and reads the sum the others added.
 */
export const keyCounters = pgTable(
  "gw_key_counters",
  {
    key: text("key").notNull(),
    window: text("window", { enum: ["minute", "day"] }).notNull(),
    start: ms("start").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
    tokens: bigint("tokens", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.window, t.start] })],
);
