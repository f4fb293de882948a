import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { UsageError } from "@prodex/core";

/** The 32-byte key that seals every token at rest, and its id (stored with each ciphertext). */
export type SecretKey = { id: string; bytes: Buffer };

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
 * The key from `PRODEX_GATEWAY_SECRET_KEY` (base64) or the file named by `PRODEX_GATEWAY_SECRET_KEY_FILE`
 * (which must be 0600 or stricter: a key others can read protects nothing).
 */
export function loadSecretKey(
  env: Record<string, string | undefined>,
  names = { value: "PRODEX_GATEWAY_SECRET_KEY", file: "PRODEX_GATEWAY_SECRET_KEY_FILE" },
): SecretKey {
  const value = env[names.value];
  if (value) return parseSecretKey(value, names.value);
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
  return parseSecretKey(text, `${file} (${names.file})`);
}
