import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ProfileRow } from "@prodex/store";
import { type AuthState, authPath, readAuth } from "../auth/auth-file.ts";
import type { Context } from "../context.ts";
import type { Paused } from "../pool/availability.ts";
import { ConflictError, NotFoundError, UsageError } from "../errors.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";
import { linkSharedState } from "./shared-state.ts";
import { nameFromEmail, validateProfileName } from "./names.ts";

export const CURRENT_KEY = "current_profile";

export type ProfileInfo = ProfileRow & { auth: AuthState["kind"]; current: boolean };

export function managedHome(ctx: Context, name: string): string {
  return join(ctx.paths.profilesDir, name);
}

export function listProfiles(ctx: Context): ProfileInfo[] {
  const current = currentName(ctx);
  return ctx.store.profiles
    .list()
    .map((p) => ({ ...p, auth: readAuth(p.codexHome).kind, current: p.name === current }));
}

export function getProfile(ctx: Context, name: string): ProfileRow {
  const p = ctx.store.profiles.get(name);
  if (p) return p;
  // A name no profile could ever have (a path, a control character) says so, on one line.
  validateProfileName(name);
  throw new NotFoundError(`no profile named "${name}"`, `see: prodex profile list`);
}

export function currentName(ctx: Context): string | null {
  const name = ctx.store.settings.get(CURRENT_KEY);
  if (name && ctx.store.profiles.get(name)) return name;
  return ctx.store.profiles.list()[0]?.name ?? null;
}

/** The current profile's name; an empty pool is a usage error that says how to add one. */
export function requireCurrentName(ctx: Context): string {
  const name = currentName(ctx);
  if (!name)
    throw new NotFoundError(
      "no profiles yet",
      "add one: prodex login, or prodex profile import-current (or try prodex demo)",
    );
  return name;
}

export function useProfile(ctx: Context, name: string): ProfileRow {
  const p = getProfile(ctx, name);
  ctx.store.settings.set(CURRENT_KEY, p.name);
  return p;
}

/** Refuses a second profile for an account already in the pool, naming the existing one. */
function assertNewAccount(ctx: Context, accountId: string, except?: string): void {
  const existing = ctx.store.profiles.byAccount(accountId);
  if (existing && existing.name !== except) {
    throw new ConflictError(
      `this account (${accountId}) is already the profile "${existing.name}"`,
      `use that profile, or remove it first: prodex profile remove ${existing.name}`,
    );
  }
}

function authForImport(from: string): Extract<AuthState, { kind: "chatgpt" }> | null {
  const state = readAuth(from);
  if (state.kind === "invalid") throw new UsageError(state.reason, `log in again with codex, or fix ${authPath(from)}`);
  if (state.kind === "api-key")
    throw new UsageError(
      `${authPath(from)} holds an API key; prodex pools ChatGPT logins`,
      "log in with `codex login` (ChatGPT) first",
    );
  return state.kind === "chatgpt" ? state : null;
}

export type AddOptions = { name: string; codexHome?: string; copyFrom?: string; activate?: boolean };

export function addProfile(ctx: Context, options: AddOptions): ProfileRow {
  const name = validateProfileName(options.name);
  if (ctx.store.profiles.get(name))
    throw new ConflictError(`a profile named "${name}" already exists`, "pick another name or remove it first");
  if (options.codexHome && options.copyFrom)
    throw new UsageError("--codex-home and --copy-from cannot be used together", "pick one");

  if (options.codexHome) {
    const home = resolve(options.codexHome);
    if (!existsSync(home) || !statSync(home).isDirectory())
      throw new UsageError(`--codex-home ${home} is not a directory`, "create it or log in there with codex first");
    const auth = authForImport(home);
    if (auth) assertNewAccount(ctx, auth.accountId);
    const row = ctx.store.profiles.insert({
      name,
      codexHome: home,
      kind: "external",
      accountId: auth?.accountId,
      email: auth?.email,
      plan: auth?.plan,
    });
    if (options.activate) useProfile(ctx, name);
    return row;
  }

  const source = options.copyFrom ? resolve(options.copyFrom) : null;
  const auth = source ? authForImport(source) : null;
  if (source && !auth)
    throw new UsageError(
      `no login found in ${authPath(source)}`,
      "log in there with `codex login` first, or use prodex login",
    );
  if (auth) assertNewAccount(ctx, auth.accountId);
  const home = managedHome(ctx, name);
  if (existsSync(home) && existsSync(authPath(home))) {
    throw new ConflictError(
      `${home} already holds a login but no profile uses it`,
      `register it with: prodex profile add ${name} --codex-home ${home}, or delete it`,
    );
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  linkSharedState(home, ctx.paths.sharedCodexHome);
  // A private (0600), atomic copy: copyFileSync would keep a world-readable source's mode.
  if (source) writeFileAtomic(authPath(home), readFileSync(authPath(source)), 0o600);
  const row = ctx.store.transaction(() => {
    const inserted = ctx.store.profiles.insert({
      name,
      codexHome: home,
      kind: "managed",
      accountId: auth?.accountId,
      email: auth?.email,
      plan: auth?.plan,
    });
    if (options.activate || ctx.store.profiles.list().length === 1) ctx.store.settings.set(CURRENT_KEY, name);
    return inserted;
  });
  return row;
}

/** Copies the login Codex uses now (`$CODEX_HOME` or `~/.codex`) into a new managed profile. */
export function importCurrent(ctx: Context, name?: string): ProfileRow {
  if (name !== undefined) validateProfileName(name);
  const from = resolve(ctx.env.CODEX_HOME || ctx.paths.sharedCodexHome);
  const auth = authForImport(from);
  if (!auth)
    throw new UsageError(`no Codex login found in ${authPath(from)}`, "run `codex login` first, or: prodex login");
  return addProfile(ctx, { name: name ?? nameFromEmail(auth.email), copyFrom: from });
}

export function removeProfile(ctx: Context, name: string, options: { deleteHome?: boolean } = {}): ProfileRow {
  const p = getProfile(ctx, name);
  ctx.store.transaction(() => {
    ctx.store.profiles.remove(name);
    if (ctx.store.settings.get(CURRENT_KEY) === name) ctx.store.settings.delete(CURRENT_KEY);
  });
  // External homes belong to the user: never deleted, whatever the flag says.
  if (options.deleteHome && p.kind === "managed") rmSync(p.codexHome, { recursive: true, force: true });
  ctx.events.emit({
    kind: "control",
    profile: name,
    message: `removed profile ${name}${options.deleteHome && p.kind === "managed" ? " and its home" : ""}`,
  });
  return p;
}

/** Keeps the profile row in step with its auth.json (email, plan, account) after a login or refresh. */
export function syncFromAuth(ctx: Context, profile: ProfileRow): ProfileRow {
  const auth = readAuth(profile.codexHome);
  if (auth.kind !== "chatgpt") return profile;
  if (auth.accountId !== profile.accountId) assertNewAccount(ctx, auth.accountId, profile.name);
  return (
    ctx.store.profiles.update(profile.name, { accountId: auth.accountId, email: auth.email, plan: auth.plan }) ??
    profile
  );
}

/**
 * Takes a profile out of the pool (`paused`: by whom, when) or puts it back (null), in the store: a running proxy
 * and every launch sharing it follow (pool/availability.ts: no new conversation goes to a paused profile).
 */
export function setProfilePaused(ctx: Context, name: string, paused: Paused | null): ProfileRow {
  getProfile(ctx, name);
  const row = ctx.store.profiles.setPaused(name, paused);
  if (!row) throw new NotFoundError(`no profile named "${name}"`, "see them with: prodex profile list");
  ctx.events.emit({ kind: "control", profile: name, message: pausedSaid(name, paused !== null) });
  return row;
}

/** What a pause or resume says (the event, the CLI's line). */
export const pausedSaid = (name: string, paused: boolean): string =>
  paused ? `paused ${name}: no new conversation goes to it` : `resumed ${name}`;
