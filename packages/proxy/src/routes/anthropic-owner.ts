import { createHash } from "node:crypto";
import { isRecord } from "@prodex/guards";
import { decodeSignature } from "../anthropic/signature.ts";

// Which account owns a Claude conversation's reasoning. prodex signs every thinking block it
// sends Claude with an owner tag (signature.ts); encrypted reasoning decrypts only on the account
// that produced it, so the tag must follow the account, not the profile name.

/** A short, stable, non-reversible tag for an account (the profile name when its account id is unknown). */
export function ownerTag(accountId: string | null | undefined, profile: string): string {
  const subject = accountId ? `account:${accountId}` : `profile:${profile}`;
  return createHash("sha256").update(`prodex-claude-owner\u0000${subject}`).digest("base64url").slice(0, 12);
}

/** Owner tag of the newest prodex-signed thinking block in a Messages history (null: none). */
export function newestSignatureOwner(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (!isRecord(m) || m.role !== "assistant" || !Array.isArray(m.content)) continue;
    for (let j = m.content.length - 1; j >= 0; j--) {
      const b: unknown = m.content[j];
      if (!isRecord(b) || b.type !== "thinking" || typeof b.signature !== "string") continue;
      const sig = decodeSignature(b.signature);
      if (sig) return sig.owner;
    }
  }
  return null;
}

/** Memoised tags of the pool's profiles, both ways. */
export class OwnerTags {
  private byName = new Map<string, string>();

  constructor(private readonly accountOf: (profile: string) => string | null | undefined) {}

  of(profile: string): string {
    let tag = this.byName.get(profile);
    if (tag === undefined) {
      tag = ownerTag(this.accountOf(profile), profile);
      this.byName.set(profile, tag);
    }
    return tag;
  }

  /** The profile among `names` whose tag is `tag`, or null. */
  profileOf(tag: string, names: readonly string[]): string | null {
    return names.find((n) => this.of(n) === tag) ?? null;
  }
}
