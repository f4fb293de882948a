/** Encrypted reasoning/compaction content that only its producing account can read back. */
import { asString as str, isRecord } from "@prodex/guards";
import type { Item } from "./request-body.ts";

const PREFIX = "mock-enc:";

export function encryptFor(accountId: string): string {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(9))).toString("hex");
  return Buffer.from(`${PREFIX}${accountId}:${nonce}`, "utf8").toString("base64");
}

/** The account that produced a blob, or null for content the mock did not make. */
export function ownerOf(blob: string): string | null {
  const text = Buffer.from(blob, "base64").toString("utf8");
  if (!text.startsWith(PREFIX)) return null;
  const rest = text.slice(PREFIX.length);
  const cut = rest.lastIndexOf(":");
  return cut > 0 ? rest.slice(0, cut) : null;
}

/**
 * The first reasoning/compaction item whose content another account produced.
 * Foreign blobs (not made by the mock, e.g. in replayed captures) pass: the mock cannot judge them.
 */
export function foreignContent(input: Item[], accountId: string): { itemId: string; owner: string } | null {
  for (const item of input) {
    if (!isRecord(item) || (item.type !== "reasoning" && item.type !== "compaction")) continue;
    const blob = str(item.encrypted_content);
    if (!blob) continue;
    const owner = ownerOf(blob);
    if (owner && owner !== accountId) return { itemId: str(item.id) ?? String(item.type), owner };
  }
  return null;
}
