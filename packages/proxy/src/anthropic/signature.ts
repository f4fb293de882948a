/**
 * Thinking-block signatures minted by prodex.
 *
 * Claude Code echoes every thinking block (with its `signature`) back on the next request. prodex
 * puts the upstream reasoning item's `encrypted_content` in that signature so a tool round trip keeps
 * the model's reasoning: `prodex:v1:<owner>:<encrypted_content>`. `owner` is an opaque tag chosen by
 * the proxy (e.g. a short hash of the profile), because encrypted content only decrypts on the account
 * that produced it. Anything else (Anthropic's own signatures, other tools') is foreign and is dropped.
 */

const PREFIX = "prodex:v1:";
const OWNER = /^[A-Za-z0-9_-]{0,64}$/;

export type ProdexSignature = { owner: string; encrypted: string };

/** Builds a signature; an owner with characters outside [A-Za-z0-9_-] is replaced by "". */
export function encodeSignature(encrypted: string, owner = ""): string {
  return `${PREFIX}${OWNER.test(owner) ? owner : ""}:${encrypted}`;
}

/** Reads a prodex signature; null for foreign or malformed ones. */
export function decodeSignature(sig: string | null | undefined): ProdexSignature | null {
  if (!sig?.startsWith(PREFIX)) return null;
  const sep = sig.indexOf(":", PREFIX.length);
  if (sep < 0) return null;
  const owner = sig.slice(PREFIX.length, sep);
  const encrypted = sig.slice(sep + 1);
  if (!OWNER.test(owner) || encrypted.length === 0) return null;
  return { owner, encrypted };
}
