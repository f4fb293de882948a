import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { UsageError } from "@prodex/core";

/** The 32-byte key that seals every token at rest, and its id (stored with each ciphertext). */
export type SecretKey = { id: string; bytes: Buffer };

/**
 * The keys an instance holds, newest first, and the file they came from (null: an environment variable, which
 * cannot be re-read while running). The database says which of them seals tokens now.
 */
export type SecretKeyRing = { keys: SecretKey[]; file: string | null };

export type KeySource = { value: string; file: string };
export const CURRENT_KEY: KeySource = { value: "PRODEX_GATEWAY_SECRET_KEY", file: "PRODEX_GATEWAY_SECRET_KEY_FILE" };
export const NEW_KEY: KeySource = {
  value: "PRODEX_GATEWAY_NEW_SECRET_KEY",
  file: "PRODEX_GATEWAY_NEW_SECRET_KEY_FILE",
};

const HOW = "create one with: openssl rand -base64 32";

/** The id of a key: the first 16 hex digits of its SHA-256 (says which key sealed a row, reveals nothing of it). */
export function secretKeyId(bytes: Buffer): string {
  return createHash("sha256").update("prodex-gateway-key-id\0").update(bytes).digest("hex").slice(0, 16);
}

/** Pure: base64 text → key, or one clear line naming where the text came from. */
export function parseSecretKey(text: string, where: string): SecretKey {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (bytes.length !== 32) throw new UsageError(`${where} is not base64 of 32 bytes (AES-256)`, HOW);
  return { id: secretKeyId(bytes), bytes };
}

/**
 * Pure: a key file's text → its keys, newest first: one base64 key per line, the newest on top (blank lines and
 * `#` comments skipped). Several keys let instances open tokens sealed by either while a rotation runs.
 */
export function parseSecretKeys(text: string, where: string): SecretKey[] {
  const keys: SecretKey[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const key = parseSecretKey(line, lines.length > 1 ? `${where} line ${i + 1}` : where);
    if (!keys.some((k) => k.id === key.id)) keys.push(key);
  }
  if (keys.length === 0) throw new UsageError(`${where} holds no key`, HOW);
  return keys;
}

/**
 * The keys from `PRODEX_GATEWAY_SECRET_KEY` (one, base64) or the file named by `PRODEX_GATEWAY_SECRET_KEY_FILE`
 * (one key per line, newest first; the file must be 0600 or stricter: a key others can read protects nothing).
 */
export function loadSecretKeyRing(env: Record<string, string | undefined>, names = CURRENT_KEY): SecretKeyRing {
  const value = env[names.value];
  if (value) return { keys: [parseSecretKey(value, names.value)], file: null };
  const file = env[names.file];
  if (!file)
    throw new UsageError(
      `no gateway secret key: set ${names.value} (base64 of 32 bytes) or ${names.file} (a 0600 file holding it)`,
      HOW,
    );
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode & 0o777;
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new UsageError(
      `cannot read the gateway secret key file ${file} (${names.file}): ${(cause as Error).message}`,
      "check the path and its permissions",
    );
  }
  if ((mode & 0o077) !== 0)
    throw new UsageError(
      `the gateway secret key file ${file} is readable by others (mode ${mode.toString(8)})`,
      `run: chmod 600 ${file}`,
    );
  return { keys: parseSecretKeys(text, `${file} (${names.file})`), file };
}

/** The newest key of `names` (the file's first line). */
export function loadSecretKey(env: Record<string, string | undefined>, names = CURRENT_KEY): SecretKey {
  return loadSecretKeyRing(env, names).keys[0] as SecretKey;
}
