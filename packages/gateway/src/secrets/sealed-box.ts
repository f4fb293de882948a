import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { SecretKey } from "./secret-key.ts";

const IV = 12;
const TAG = 16;

/**
 * AES-256-GCM: base64(iv | tag | ciphertext). `aad` binds the ciphertext to its row (the account name),
 * so a sealed token copied onto another row does not open.
 */
export function seal(key: SecretKey, plaintext: string, aad: string): string {
  const iv = randomBytes(IV);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** The plaintext, or null when the key (or the row) is not the one it was sealed with. */
export function open(key: SecretKey, sealed: string, aad: string): string | null {
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < IV + TAG) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, raw.subarray(0, IV));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(raw.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
