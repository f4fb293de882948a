import { type ChatgptAuth, parseAuth } from "@prodex/core";
import type { AccountRow, GatewayStore, SealedTokens } from "@prodex/store/pg";
import { GatewayError } from "../errors.ts";
import { open, seal } from "./sealed-box.ts";
import type { SecretKey } from "./secret-key.ts";

// Sealed under each key when it becomes current: a wrong key is recognised before anything is written.
const CHECK = "prodex-gateway-key-check";
const WRONG_KEY_HINT =
  "start it with the key the gateway was set up with (PRODEX_GATEWAY_SECRET_KEY or _FILE); to change keys: prodex gateway rotate-key";

/** Tokens in and out of the database: sealed with the secret key, checked against the key the database records. */
export class TokenVault {
  private constructor(
    readonly key: SecretKey,
    private readonly store: GatewayStore,
  ) {}

  /**
   * Opens the vault for `key`. The first key used on a database becomes its key; any other key is one clear
   * line (nothing is read with it, nothing written).
   */
  static async open(store: GatewayStore, key: SecretKey): Promise<TokenVault> {
    const current =
      (await store.secretKeys.current()) ?? (await store.secretKeys.adopt(key.id, seal(key, CHECK, key.id)));
    if (current.id !== key.id || open(key, current.check, key.id) !== CHECK) {
      throw new GatewayError(
        `the gateway secret key given (id ${key.id}) is not the one the database's tokens are sealed with (id ${current.id})`,
        WRONG_KEY_HINT,
      );
    }
    return new TokenVault(key, store);
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
      tokenCipher: seal(this.key, JSON.stringify(auth.json), account),
      keyId: this.key.id,
      expiresAt: auth.expiresAt,
      lastRefresh: auth.lastRefresh,
      accountId: auth.accountId,
      email: auth.email,
      plan: auth.plan,
    };
  }

  /** The row's tokens, or one clear line when this key cannot open them (nothing is changed). */
  openAuth(row: AccountRow): ChatgptAuth {
    const text = row.keyId === this.key.id ? open(this.key, row.tokenCipher, row.name) : null;
    if (text === null)
      throw new GatewayError(
        `the tokens of account ${row.name} cannot be decrypted with the gateway secret key (id ${this.key.id}; sealed with ${row.keyId})`,
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

  /**
   * Re-seals every account with `next` and makes it current, in one transaction; the old key must open every row
   * first (a row it cannot open stops the rotation with nothing changed).
   */
  async rotate(next: SecretKey): Promise<number> {
    return this.store.accounts.reseal({ id: next.id, check: seal(next, CHECK, next.id) }, (row) => {
      const text = row.keyId === this.key.id ? open(this.key, row.tokenCipher, row.name) : null;
      if (text === null)
        throw new GatewayError(
          `the tokens of account ${row.name} cannot be decrypted with the current key: nothing was rotated`,
          WRONG_KEY_HINT,
        );
      return { tokenCipher: seal(next, text, row.name), keyId: next.id };
    });
  }
}
