import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.ts";
import { decodeJwt } from "./jwt.ts";

// auth.json as Codex writes it (protocol reference §1). Unknown fields are kept on rewrite.
const tokensSchema = z
  .object({
    id_token: z.string().min(1),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
    account_id: z.string().nullish(),
  })
  .loose();

const authSchema = z
  .object({
    auth_mode: z.string().nullish(),
    OPENAI_API_KEY: z.string().nullish(),
    tokens: tokensSchema.nullish(),
    last_refresh: z.string().nullish(),
  })
  .loose();

export type AuthJson = z.infer<typeof authSchema>;

export type ChatgptAuth = {
  kind: "chatgpt";
  json: AuthJson;
  accessToken: string;
  refreshToken: string;
  idToken: string;
  accountId: string;
  email: string | null;
  plan: string | null;
  /** Access token expiry, epoch ms; null when unknown. */
  expiresAt: number | null;
  /** `last_refresh` as epoch ms (0 when absent) — orders two copies of the same login. */
  lastRefresh: number;
};

export type AuthState = ChatgptAuth | { kind: "api-key" } | { kind: "no-auth" } | { kind: "invalid"; reason: string };

export function authPath(codexHome: string): string {
  return join(codexHome, "auth.json");
}

/** Reads and classifies `$codexHome/auth.json`. Never throws for a bad file: that is `invalid`. */
export function readAuth(codexHome: string): AuthState {
  const path = authPath(codexHome);
  if (!existsSync(path)) return { kind: "no-auth" };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    return { kind: "invalid", reason: `cannot read ${path}: ${(cause as Error).message}` };
  }
  return parseAuth(text, path);
}

export function parseAuth(text: string, where = "auth.json"): AuthState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: `${where} is not valid JSON` };
  }
  const parsed = authSchema.safeParse(json);
  if (!parsed.success)
    return {
      kind: "invalid",
      reason: `${where} has an unexpected shape (${parsed.error.issues[0]?.path.join(".") || "root"})`,
    };
  const auth = parsed.data;
  if (auth.tokens) {
    const access = decodeJwt(auth.tokens.access_token);
    const id = decodeJwt(auth.tokens.id_token);
    const accountId = auth.tokens.account_id || id?.accountId || access?.accountId;
    if (!accountId) return { kind: "invalid", reason: `${where} has tokens but no account id` };
    return {
      kind: "chatgpt",
      json: auth,
      accessToken: auth.tokens.access_token,
      refreshToken: auth.tokens.refresh_token,
      idToken: auth.tokens.id_token,
      accountId,
      email: id?.email ?? access?.email ?? null,
      plan: id?.plan ?? access?.plan ?? null,
      expiresAt: access?.expiresAt ?? null,
      lastRefresh: auth.last_refresh ? Date.parse(auth.last_refresh) || 0 : 0,
    };
  }
  if (auth.OPENAI_API_KEY) return { kind: "api-key" };
  return { kind: "no-auth" };
}

export type FreshTokens = { idToken: string; accessToken: string; refreshToken: string };

/** A copy of `prev` carrying new tokens, keeping every field Codex (or a newer Codex) wrote. */
export function withTokens(prev: AuthJson, tokens: FreshTokens, accountId: string, now = new Date()): AuthJson {
  return {
    ...prev,
    auth_mode: prev.auth_mode ?? "chatgpt",
    OPENAI_API_KEY: prev.OPENAI_API_KEY ?? null,
    tokens: {
      ...prev.tokens,
      id_token: tokens.idToken,
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      account_id: accountId,
    },
    last_refresh: now.toISOString(),
  };
}

/** Atomic 0600 write inside a 0700 home. */
export function writeAuth(codexHome: string, json: AuthJson): void {
  if (!existsSync(codexHome)) mkdirSync(codexHome, { recursive: true, mode: 0o700 });
  writeFileAtomic(authPath(codexHome), `${JSON.stringify(json, null, 2)}\n`, 0o600);
}
