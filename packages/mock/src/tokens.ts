/**
 * Token families, like auth.openai.com: each login starts a family; every refresh rotates its
 * refresh token; presenting an already used refresh token revokes the whole family.
 */
import { accessClaims, encodeJwt, idClaims, type Identity } from "./jwt.ts";

export type TokenSet = { idToken: string; accessToken: string; refreshToken: string; expiresIn: number };

export type AccessCheck =
  | { ok: true; accountId: string }
  | { ok: false; reason: "missing" | "unknown" | "expired" | "revoked" };

export type RefreshResult =
  | { ok: true; accountId: string; tokens: TokenSet }
  | { ok: false; reason: "reused" | "invalidated"; accountId: string | null };

type Family = { id: number; accountId: string; refresh: string; revoked: boolean };
type Access = { family: number; accountId: string; exp: number };

const nowSeconds = () => Math.floor(Date.now() / 1000);
const randomHex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

export class TokenStore {
  private families = new Map<number, Family>();
  /** Every refresh token ever issued (current and used) → its family. */
  private refreshIndex = new Map<string, number>();
  private access = new Map<string, Access>();
  private nextFamily = 1;

  /** A fresh login: a new family with its own access, id and refresh tokens. */
  login(who: Identity, ttlSeconds: number): TokenSet {
    const family: Family = { id: this.nextFamily++, accountId: who.accountId, refresh: "", revoked: false };
    this.families.set(family.id, family);
    return this.mint(family, who, ttlSeconds);
  }

  /** The refresh grant. `lookup` resolves the account's identity at refresh time. */
  refresh(token: string, ttlSeconds: number, lookup: (accountId: string) => Identity | null): RefreshResult {
    const familyId = this.refreshIndex.get(token);
    const family = familyId === undefined ? undefined : this.families.get(familyId);
    if (!family) return { ok: false, reason: "invalidated", accountId: null };
    if (family.revoked) return { ok: false, reason: "invalidated", accountId: family.accountId };
    if (family.refresh !== token) {
      // Reuse of a rotated token: treat the family as stolen (what account-switcher tools report of the real server).
      family.revoked = true;
      return { ok: false, reason: "reused", accountId: family.accountId };
    }
    const who = lookup(family.accountId);
    if (!who) return { ok: false, reason: "invalidated", accountId: family.accountId };
    return { ok: true, accountId: family.accountId, tokens: this.mint(family, who, ttlSeconds) };
  }

  /** Which account a bearer token authenticates, if it still works. */
  check(token: string | null): AccessCheck {
    if (!token) return { ok: false, reason: "missing" };
    const entry = this.access.get(token);
    if (!entry) return { ok: false, reason: "unknown" };
    if (this.families.get(entry.family)?.revoked !== false) return { ok: false, reason: "revoked" };
    if (entry.exp <= nowSeconds()) return { ok: false, reason: "expired" };
    return { ok: true, accountId: entry.accountId };
  }

  /** Tokens of the account that work right now. */
  current(accountId: string): { access: string[]; refresh: string[] } {
    const now = nowSeconds();
    const live = new Set<number>();
    const refresh: string[] = [];
    for (const f of this.families.values()) {
      if (f.accountId !== accountId || f.revoked) continue;
      live.add(f.id);
      refresh.push(f.refresh);
    }
    const access: string[] = [];
    for (const [token, a] of this.access) if (live.has(a.family) && a.exp > now) access.push(token);
    return { access, refresh };
  }

  /** Revoke every family of an account (a password change, a forced sign-out). */
  revokeAccount(accountId: string): void {
    for (const f of this.families.values()) if (f.accountId === accountId) f.revoked = true;
  }

  private mint(family: Family, who: Identity, ttlSeconds: number): TokenSet {
    const iat = nowSeconds();
    const exp = iat + ttlSeconds;
    const accessToken = encodeJwt(accessClaims(who, iat, exp, randomHex(8)));
    // The id token outlives the access token, as with the real issuer.
    const idToken = encodeJwt(idClaims(who, iat, iat + 30 * 86400, randomHex(8)));
    const refreshToken = `rt_mock_${randomHex(24)}`;
    family.refresh = refreshToken;
    this.refreshIndex.set(refreshToken, family.id);
    this.prune(iat);
    this.access.set(accessToken, { family: family.id, accountId: who.accountId, exp });
    return { idToken, accessToken, refreshToken, expiresIn: ttlSeconds };
  }

  /** Forget access tokens that expired over a day ago, so long runs stay small. */
  private prune(now: number): void {
    if (this.access.size < 1000) return;
    for (const [token, a] of this.access) if (a.exp < now - 86400) this.access.delete(token);
  }
}
