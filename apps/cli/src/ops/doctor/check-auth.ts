import { type AuthState, formatAgo, formatDuration } from "@prodex/core";
import { type Finding, finding } from "./finding.ts";

export type ProfileAuth = {
  name: string;
  kind: "managed" | "external";
  codexHome: string;
  homeExists: boolean;
  /** The store's verdict (token refresh marks dead logins "needs_login"). */
  authState: "ok" | "needs_login";
  rowAccountId: string | null;
  auth: AuthState;
};

function one(p: ProfileAuth, now: number): Finding {
  const at = { profile: p.name, path: p.codexHome };
  const login = `prodex login -p ${p.name}`;
  if (!p.homeExists) {
    return finding(
      "auth.home",
      "auth",
      "error",
      `profile ${p.name}: its Codex home ${p.codexHome} is gone`,
      `restore it, or: prodex profile remove ${p.name}`,
      at,
    );
  }
  const a = p.auth;
  if (a.kind === "invalid")
    return finding("auth.invalid", "auth", "error", `profile ${p.name}: ${a.reason}`, login, at);
  if (a.kind === "no-auth") return finding("auth.missing", "auth", "warn", `profile ${p.name} has no login`, login, at);
  if (a.kind === "api-key")
    return finding(
      "auth.api-key",
      "auth",
      "warn",
      `profile ${p.name} holds an API key, not a ChatGPT login`,
      login,
      at,
    );
  if (p.authState === "needs_login")
    return finding(
      "auth.needs-login",
      "auth",
      "error",
      `profile ${p.name} needs login: its refresh token was rejected`,
      login,
      at,
    );
  if (p.rowAccountId && p.rowAccountId !== a.accountId) {
    return finding(
      "auth.account-changed",
      "auth",
      "warn",
      `profile ${p.name}: auth.json now holds ${a.email ?? a.accountId}, not the account it was added with`,
      `${login} to log the right account back in, or remove and re-add the profile`,
      at,
    );
  }
  const who = `${a.email ?? a.accountId}${a.plan ? `, ${a.plan}` : ""}`;
  if (a.expiresAt !== null && a.expiresAt <= now) {
    return finding(
      "auth.expired",
      "auth",
      "info",
      `profile ${p.name} (${who}): access token expired ${formatAgo(a.expiresAt, now)}; prodex refreshes it on next use`,
      null,
      at,
    );
  }
  const left = a.expiresAt === null ? "" : `; token valid for ${formatDuration(a.expiresAt - now)}`;
  return finding("auth.ok", "auth", "ok", `profile ${p.name}: ${who}${left}`, null, at);
}

/** Each profile's login, plus accounts that appear in more than one profile. */
export function checkAuth(profiles: ProfileAuth[], now: number): Finding[] {
  if (profiles.length === 0)
    return [
      finding(
        "auth.none",
        "auth",
        "info",
        "no profiles yet",
        "prodex login, or prodex profile import-current (or try prodex demo)",
      ),
    ];
  const out = profiles.map((p) => one(p, now));
  const byAccount = new Map<string, string[]>();
  for (const p of profiles) {
    if (p.auth.kind !== "chatgpt") continue;
    byAccount.set(p.auth.accountId, [...(byAccount.get(p.auth.accountId) ?? []), p.name]);
  }
  for (const [account, names] of byAccount) {
    if (names.length < 2) continue;
    const email = profiles.find((p) => p.name === names[0] && p.auth.kind === "chatgpt");
    const label = email?.auth.kind === "chatgpt" ? (email.auth.email ?? account) : account;
    out.push(
      finding(
        "auth.duplicate",
        "auth",
        "error",
        `profiles ${names.join(", ")} are the same account (${label}): the pool would count its quota twice`,
        `keep one: prodex profile remove ${names.slice(1).join(" / ")}`,
        { profile: names[1] },
      ),
    );
  }
  return out;
}
