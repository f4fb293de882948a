import { type ChatgptAuth, parseAuth } from "@prodex/core";
import type { AccountRow, GatewayStore, SealedTokens } from "@prodex/store/pg";
import { GatewayError } from "../errors.ts";
import { open, seal } from "./sealed-box.ts";
import type { SecretKey } from "./secret-key.ts";

// Sealed under each key when it becomes current: a wrong key is recognised before anything is written.
const CHECK = "prodex-gateway-key-check";
const WRONG_KEY_HINT =
  "start it with the key the gateway was set up with (PRODEX_GATEWAY_SECRET_KEY or _FILE); to change keys: prodex gateway rotate-key";
const KEEP_CURRENT_HINT =
  "keep the current key in the key file (the new key on the first line, the current one below it) until rotate-key has run";

/**
 * Tokens in and out of the database. Rows are opened with whichever held key sealed them (by key id) and sealed
 * with the key the database records as current, so instances keep serving while a rotation moves every row.
 */
export class TokenVault {
  private ring: Map<string, SecretKey>;

  private constructor(
    private current: SecretKey,
    keys: SecretKey[],
    private readonly store: GatewayStore,
  ) {
    this.ring = new Map(keys.map((k) => [k.id, k]));
  }

  /**
   * Opens the vault with `keys` (newest first). The first key used on a database becomes its key; a set of keys
   * without the database's current key is one clear line (nothing is read with them, nothing written).
   */
  static async open(store: GatewayStore, keys: SecretKey | SecretKey[]): Promise<TokenVault> {
    const held = Array.isArray(keys) ? keys : [keys];
    const first = held[0];
    if (!first) throw new GatewayError("no gateway secret key given", WRONG_KEY_HINT);
    const current =
      (await store.secretKeys.current()) ?? (await store.secretKeys.adopt(first.id, seal(first, CHECK, first.id)));
    const key = held.find((k) => k.id === current.id);
    if (!key || open(key, current.check, key.id) !== CHECK) {
      throw new GatewayError(
        `the gateway secret key given (id ${held.map((k) => k.id).join(", ")}) is not the one the database's tokens are sealed with (id ${current.id})`,
        WRONG_KEY_HINT,
      );
    }
    return new TokenVault(key, held, store);
  }

  /** The key new tokens are sealed with (the database's current key). */
  get key(): SecretKey {
    return this.current;
  }

  /** The ids of every key held, newest first. */
  ids(): string[] {
    return [...this.ring.keys()];
  }

  /** Holds `keys` from now on (a re-read key file); refused, keeping the old ones, when the current key is missing. */
  replaceKeys(keys: SecretKey[], where: string): void {
    if (!keys.some((k) => k.id === this.current.id))
      throw new GatewayError(
        `${where} does not hold the current gateway secret key (id ${this.current.id}): kept the keys held before`,
        KEEP_CURRENT_HINT,
      );
    this.ring = new Map(keys.map((k) => [k.id, k]));
  }

  /** The database's current key changed (a rotation): seal with it from now on, if it is held and its check opens. */
  useCurrent(row: { id: string; check: string }): void {
    const key = this.ring.get(row.id);
    if (!key || open(key, row.check, key.id) !== CHECK)
      throw new GatewayError(
        `the database's gateway secret key is now id ${row.id}, which this instance does not hold (it holds ${this.ids().join(", ")})`,
        "add the new key to the top of PRODEX_GATEWAY_SECRET_KEY_FILE and send the instance SIGHUP (or restart it)",
      );
    this.current = key;
  }

  /** auth.json text → what the database stores (ciphertext + the metadata rotation needs, no token). */
  sealAuth(account: string, authText: string): SealedTokens & { auth: ChatgptAuth } {
    const auth = parseAuth(authText, `the tokens of ${account}`);
    if (auth.kind !== "chatgpt")
      throw new GatewayError(
        `the tokens of ${account} are not a ChatGPT login (${auth.kind === "invalid" ? auth.reason : auth.kind})`,
        "log in with ChatGPT: codex login",
      );
    return {
      auth,
      tokenCipher: seal(this.current, JSON.stringify(auth.json), account),
      keyId: this.current.id,
      expiresAt: auth.expiresAt,
      lastRefresh: auth.lastRefresh,
      accountId: auth.accountId,
      email: auth.email,
      plan: auth.plan,
    };
  }

  /** The row's tokens, or one clear line when no held key can open them (nothing is changed). */
  openAuth(row: AccountRow): ChatgptAuth {
    const text = this.openText(row);
    if (text === null)
      throw new GatewayError(
        `the tokens of account ${row.name} cannot be decrypted with the gateway secret key (id ${this.ids().join(", ")}; sealed with ${row.keyId})`,
        WRONG_KEY_HINT,
      );
    const auth = parseAuth(text, `the tokens of ${row.name}`);
    if (auth.kind !== "chatgpt")
      throw new GatewayError(
        `the stored tokens of account ${row.name} are unusable`,
        `log it in again: prodex gateway account login ${row.name}`,
      );
    return auth;
  }

  private openText(row: AccountRow): string | null {
    const key = this.ring.get(row.keyId);
    return key ? open(key, row.tokenCipher, row.name) : null;
  }

  /**
   * Re-seals every account with `next` and makes it current, in one transaction; a held key must open every row
   * first (a row none opens stops the rotation with nothing changed). Locks every row: a refresh running on an
   * instance finishes first, and one after it seals with `next`.
   */
  async rotate(next: SecretKey): Promise<number> {
    const count = await this.store.accounts.reseal({ id: next.id, check: seal(next, CHECK, next.id) }, (row) => {
      const text = this.openText(row);
      if (text === null)
        throw new GatewayError(
          `the tokens of account ${row.name} cannot be decrypted with the current key: nothing was rotated`,
          WRONG_KEY_HINT,
        );
      return { tokenCipher: seal(next, text, row.name), keyId: next.id };
    });
    this.ring.set(next.id, next);
    this.current = next;
    return count;
  }
}
