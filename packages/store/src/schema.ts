import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are Unix epoch milliseconds everywhere in the store.

export const profiles = sqliteTable(
  "profiles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    codexHome: text("codex_home").notNull(),
    kind: text("kind", { enum: ["managed", "external"] }).notNull(),
    accountId: text("account_id"),
    email: text("email"),
    plan: text("plan"),
    // "ok" | "needs_login" — set by token refresh when the refresh token is dead.
    authState: text("auth_state", { enum: ["ok", "needs_login"] })
      .notNull()
      .default("ok"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastSelectedAt: integer("last_selected_at"),
    // Taken out of the pool by its operator (`prodex profile pause`, the dashboard): when, and by whom if known.
    pausedAt: integer("paused_at"),
    pausedBy: text("paused_by"),
  },
  (t) => [
    uniqueIndex("profiles_name_unique").on(t.name),
    uniqueIndex("profiles_account_unique").on(t.accountId).where(sql`${t.accountId} is not null`),
  ],
);

export const usageSnapshots = sqliteTable(
  "usage_snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    profileId: integer("profile_id")
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    fetchedAt: integer("fetched_at").notNull(),
    // live: fetched from wham/usage; headers: read off an inference response's x-codex-* headers.
    source: text("source", { enum: ["live", "headers"] }).notNull(),
    plan: text("plan"),
    // JSON array of UsageWindow (see @prodex/store types).
    windows: text("windows", { mode: "json" }).$type<StoredWindow[]>().notNull(),
    raw: text("raw"),
  },
  (t) => [index("usage_profile_time").on(t.profileId, t.fetchedAt)],
);

export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    kind: text("kind").notNull(),
    level: text("level", { enum: ["info", "warn", "error"] })
      .notNull()
      .default("info"),
    profileName: text("profile_name"),
    message: text("message").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    // Which process wrote it (pid + launch id) so dashboards can tell agents apart.
    pid: integer("pid"),
    source: text("source"),
  },
  (t) => [index("events_at").on(t.at), index("events_profile_at").on(t.profileName, t.at)],
);

export const bindings = sqliteTable(
  "bindings",
  {
    kind: text("kind", {
      enum: ["response_id", "turn_state", "session", "prompt_cache_key", "claude_session", "encrypted"],
    }).notNull(),
    key: text("key").notNull(),
    profileId: integer("profile_id")
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index("bindings_expiry").on(t.expiresAt)],
);

export const backoffs = sqliteTable("backoffs", {
  profileId: integer("profile_id")
    .primaryKey()
    .references(() => profiles.id, { onDelete: "cascade" }),
  reason: text("reason", { enum: ["quota", "transient", "auth", "overload"] }).notNull(),
  until: integer("until").notNull(),
  attempts: integer("attempts").notNull().default(1),
  message: text("message"),
  updatedAt: integer("updated_at").notNull(),
});

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

// Running proxies / brokers, so dashboards and `prodex info` can find them. Secrets live in files, not here.
export const runtimes = sqliteTable("runtimes", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["proxy", "broker", "serve"] }).notNull(),
  pid: integer("pid").notNull(),
  url: text("url").notNull(),
  upstream: text("upstream").notNull(),
  secretPath: text("secret_path"),
  startedAt: integer("started_at").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
});

export type StoredWindow = {
  /** "5h" | "weekly" | "other" — derived from the window length. */
  label: "5h" | "weekly" | "other";
  usedPercent: number;
  windowSeconds: number | null;
  /** Epoch ms, or null when upstream did not say. */
  resetAt: number | null;
  /** Which limit this window belongs to ("codex" for the main one, else additional limit name). */
  limit: string;
};

// The usage ledger: one row per request that reached an account, written behind the request by the
// store writer. The request id makes a write idempotent (a batch offered twice is stored once).
export const requestLedger = sqliteTable(
  "request_ledger",
  {
    requestId: text("request_id").primaryKey(),
    /** Epoch ms the request arrived. */
    at: integer("at").notNull(),
    /** Who sent it: the launch (single user) or the gateway key's name. Never a secret. */
    caller: text("caller").notNull(),
    /** The account (profile) that served it. */
    profile: text("profile").notNull(),
    client: text("client").notNull(),
    model: text("model"),
    inputTokens: integer("input_tokens").notNull().default(0),
    cachedTokens: integer("cached_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    /** The upstream's HTTP status of the committed answer. */
    status: integer("status").notNull(),
    /** completed | incomplete | failed | error | aborted | broken. */
    outcome: text("outcome").notNull(),
    /** Accounts tried before the one that committed. */
    rotations: integer("rotations").notNull().default(0),
    ttfbMs: integer("ttfb_ms"),
    durationMs: integer("duration_ms").notNull(),
    instance: text("instance").notNull(),
  },
  (t) => [index("request_ledger_at").on(t.at)],
);
