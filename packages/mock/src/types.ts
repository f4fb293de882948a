/** Public types of the mock ChatGPT backend. Other packages code against these names. */

export type MockWindowInit = {
  usedPercent: number;
  /** Default 18000 for primary, 604800 for secondary. */
  windowSeconds?: number;
  /** Default 3600 for primary, 259200 for secondary (capped at the window length). */
  resetAfterSeconds?: number;
};

export type MockAccountInit = {
  /** "acct-…" */
  id: string;
  email?: string;
  plan?: string;
  primary?: MockWindowInit;
  secondary?: MockWindowInit | null;
  /** Percent added to primary (and a tenth to secondary) per completed response; default 0. */
  costPercent?: number;
};

export type MockFault =
  | { kind: "usage_limit"; resetsInSeconds?: number }
  | { kind: "rate_limit" }
  | { kind: "unauthorized" }
  | { kind: "server_error"; status?: number }
  | { kind: "overloaded" }
  | { kind: "slow_first_byte"; delayMs: number }
  | { kind: "stream_failed_usage_limit" }
  | { kind: "drop_after_events"; events: number }
  | { kind: "error_after_commit"; afterEvents: number }
  | { kind: "reset_before_first_byte" };

export type MockStreamOptions = {
  firstByteDelayMs?: number;
  /** Delay before each content delta event. */
  chunkDelayMs?: number;
  /** Random extra 0..jitterMs added to every delay (seeded). */
  jitterMs?: number;
  /** Number of output_text.delta events. */
  chunks?: number;
  /** Characters per delta. */
  chunkSize?: number;
};

export type MockRates = { error?: number; quota?: number; seed?: number };

export type MockWebsocketOptions = {
  /** Sent as `x-codex-websocket-max-message-bytes` in the 101 (ChatGPT's, read by Codex 0.171+); none when unset. */
  maxMessageBytes?: number;
};

export type MockOptions = {
  port?: number;
  accounts?: MockAccountInit[];
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  stream?: MockStreamOptions;
  rates?: MockRates;
  /** Default "hi from mock". */
  reply?: string;
  websocket?: MockWebsocketOptions;
};

export type MockWindowState = {
  usedPercent: number;
  windowSeconds: number;
  resetAfterSeconds: number;
  /** Unix seconds. */
  resetAt: number;
};

export type MockCounters = {
  /** Authenticated, well-formed inference requests (HTTP or websocket response.create) to this account. */
  requests: number;
  /** Responses that ended with response.completed. */
  completed: number;
  /** Usage-limit answers (HTTP 429, websocket error 429, stream_failed_usage_limit). */
  limited: number;
  /** Other failed answers (faults, random errors). */
  errors: number;
  /** Requests refused for a missing, expired or revoked access token. */
  unauthorized: number;
  /** POST /oauth/token calls that presented one of this account's refresh tokens. */
  refreshes: number;
};

export type MockAccountState = {
  id: string;
  email: string;
  plan: string;
  userId: string;
  primary: MockWindowState;
  secondary: MockWindowState | null;
  costPercent: number;
  /** A window is at 100% or more: inference answers 429 usage_limit_reached. */
  exhausted: boolean;
  pendingFaults: number;
  counters: MockCounters;
  /** Tokens that work right now (unexpired, family not revoked). */
  tokens: { access: string[]; refresh: string[] };
};

export type AuthJson = {
  auth_mode: "chatgpt";
  OPENAI_API_KEY: null;
  tokens: { id_token: string; access_token: string; refresh_token: string; account_id: string };
  last_refresh: string;
};

export type RecordedRequest = {
  seq: number;
  /** Epoch ms. */
  time: number;
  transport: "http" | "ws";
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** Lower-case names; authorization is redacted to its last 6 chars. */
  headers: Record<string, string>;
  /** Parsed JSON body (refresh_token redacted like authorization), null when empty or not JSON. */
  body: unknown;
  accountId: string | null;
  status: number;
};

export type RequestFilter = { path?: string; accountId?: string };

export interface MockBackend {
  /** "http://127.0.0.1:PORT" */
  url: string;
  /** url + "/backend-api" (the Codex inference base is baseUrl + "/codex"). */
  baseUrl: string;
  /** url + "/oauth/token" */
  refreshUrl: string;
  accounts(): MockAccountState[];
  addAccount(init: MockAccountInit): void;
  setUsage(accountId: string, primary: MockWindowInit, secondary?: MockWindowInit | null): void;
  exhaust(accountId: string, resetsInSeconds?: number): void;
  fault(accountId: string, ...faults: MockFault[]): void;
  authFile(accountId: string, opts?: { expiresInSeconds?: number }): AuthJson;
  requests(filter?: RequestFilter): RecordedRequest[];
  refreshCalls(accountId?: string): number;
  setOptions(patch: Partial<Pick<MockOptions, "stream" | "rates" | "reply" | "websocket">>): void;
  stop(): Promise<void>;
}
