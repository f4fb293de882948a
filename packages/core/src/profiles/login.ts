import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type ChatgptAuth, authPath, writeAuth } from "../auth/auth-file.ts";
import type { Context } from "../context.ts";
import { loginTarget } from "./login-target.ts";
import { validateProfileName } from "./names.ts";
import { addProfile, getProfile, requireCurrentName } from "./profile-service.ts";

// Logging a ChatGPT account in and out of the pool. The login itself is the real `codex login`,
// run by the CLI inside a throwaway home (so a current login survives a failed attempt); what it
// wrote is then saved here.

/** Throwaway login homes live in `<PRODEX_HOME>/tmp/login-*` (prodex cleanup removes stale ones). */
export const LOGIN_HOME_PREFIX = "login-";

export function loginHomesDir(ctx: Context): string {
  return join(ctx.paths.prodexHome, "tmp");
}

/** A fresh throwaway home to run `codex login` in; the caller removes it. */
export function loginHome(ctx: Context): string {
  const dir = loginHomesDir(ctx);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(dir, LOGIN_HOME_PREFIX));
}

/** Refuses a bad -p NAME before the browser opens, not after. */
export function checkLoginName(requested: string | undefined): void {
  if (requested !== undefined) validateProfileName(requested);
}

export type SavedLogin = { name: string; created: boolean; who: string };

/** Saves the login `codex login` wrote into `home` to the profile `loginTarget` picks. */
export function saveLogin(ctx: Context, auth: ChatgptAuth, home: string, requested?: string): SavedLogin {
  const target = loginTarget(
    auth,
    requested ?? null,
    ctx.store.profiles.byAccount(auth.accountId) ?? null,
    (n) => ctx.store.profiles.get(n) ?? null,
  );
  const existing = ctx.store.profiles.get(target.name);
  if (existing) {
    writeAuth(existing.codexHome, auth.json);
    ctx.store.profiles.update(target.name, {
      accountId: auth.accountId,
      email: auth.email,
      plan: auth.plan,
      authState: "ok",
    });
  } else {
    addProfile(ctx, { name: target.name, copyFrom: home });
  }
  ctx.events.emit({ kind: "control", profile: target.name, message: `logged in ${target.name}` });
  return { name: target.name, created: !existing, who: auth.email ?? auth.accountId };
}

/** Forgets a profile's login (default: the current profile); the profile stays. Returns its name. */
export function logout(ctx: Context, name?: string): string {
  const p = getProfile(ctx, name ?? requireCurrentName(ctx));
  rmSync(authPath(p.codexHome), { force: true });
  ctx.store.profiles.update(p.name, { authState: "needs_login" });
  ctx.events.emit({ kind: "auth.needs_login", profile: p.name, message: `${p.name} logged out` });
  return p.name;
}
