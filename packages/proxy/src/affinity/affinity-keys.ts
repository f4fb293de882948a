// What in a request ties it to the account that served earlier work (pure).
import { isRecord } from "@prodex/guards";
import { type BodyScan, EMPTY_SCAN, blobKey, scanBody } from "./body-scan.ts";

export type AffinityKeys = {
  previousResponseId: string | null;
  turnState: string | null;
  session: string | null;
  promptCacheKey: string | null;
  claudeSession: string | null;
  /** Encrypted reasoning in the input: only its account can read it, but it can be dropped. */
  encrypted: string[];
  /** Encrypted compaction items: the conversation's history; dropping them would lose it. */
  compactionBlobs: string[];
  /** Shorthands kept for the websocket and Claude paths. */
  encryptedItems: number;
  compaction: boolean;
};

export type BindingKindName =
  | "response_id"
  | "turn_state"
  | "session"
  | "prompt_cache_key"
  | "claude_session"
  | "encrypted";
export type BindingLookup = (kind: BindingKindName, key: string) => string | null;

function header(headers: Headers, name: string): string | null {
  const v = headers.get(name);
  return v && v.length <= 512 ? v : null;
}

/** The same fields as `scanBody`, from an already parsed body (websocket frames, translated Claude requests). */
export function scanParsed(body: unknown): BodyScan {
  if (!isRecord(body)) return EMPTY_SCAN;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 512 ? v : null);
  const encrypted: string[] = [];
  const compaction: string[] = [];
  if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (!isRecord(item) || typeof item.encrypted_content !== "string") continue;
      (item.type === "compaction" || item.type === "compaction_summary" ? compaction : encrypted).push(
        item.encrypted_content,
      );
    }
  }
  return {
    promptCacheKey: str(body.prompt_cache_key),
    previousResponseId: str(body.previous_response_id),
    encrypted,
    compaction,
  };
}

export function affinityFromScan(headers: Headers, scan: BodyScan): AffinityKeys {
  const short = (v: string | null) => (v && v.length <= 512 ? v : null);
  return {
    previousResponseId: short(scan.previousResponseId),
    turnState: header(headers, "x-codex-turn-state"),
    session: header(headers, "session-id") ?? header(headers, "session_id") ?? header(headers, "thread-id"),
    promptCacheKey: short(scan.promptCacheKey),
    claudeSession: header(headers, "x-claude-code-session-id"),
    encrypted: scan.encrypted,
    compactionBlobs: scan.compaction,
    encryptedItems: scan.encrypted.length,
    compaction: scan.compaction.length > 0,
  };
}

/**
 * A Codex request's keys from its body text, scanned rather than parsed: a long session's body is hundreds of KB and
 * parsing one took ~5× the scan (the proxy's Codex routes and the team gateway's front door both read it this way).
 */
export function codexAffinity(headers: Headers, text: string | null): AffinityKeys {
  return affinityFromScan(headers, text === null ? EMPTY_SCAN : scanBody(text));
}

export function extractAffinity(headers: Headers, body: unknown): AffinityKeys {
  return affinityFromScan(headers, scanParsed(body));
}

/** The request can only be answered by the account that produced its state. */
export function mustStay(keys: AffinityKeys): boolean {
  return keys.previousResponseId !== null || keys.compaction;
}

/** A copy of the body without the given encrypted reasoning (all of it when `only` is omitted). */
export function stripEncrypted(
  body: Record<string, unknown>,
  only?: ReadonlySet<string>,
): { body: Record<string, unknown>; removed: number } {
  if (!Array.isArray(body.input)) return { body, removed: 0 };
  const input = body.input.filter(
    (item) =>
      !(
        isRecord(item) &&
        item.type !== "compaction" &&
        typeof item.encrypted_content === "string" &&
        (only === undefined || only.has(item.encrypted_content))
      ),
  );
  return { body: { ...body, input }, removed: body.input.length - input.length };
}

/** How many of the newest encrypted items are asked about when looking for an owner. */
const OWNER_PROBE = 3;

/** The account that owns this request's state, strongest key first; null when none is known. */
export function ownerOf(keys: AffinityKeys, lookup: BindingLookup): { profile: string; via: string } | null {
  const strong: [BindingKindName, string | null][] = [
    ["response_id", keys.previousResponseId],
    ["turn_state", keys.turnState],
  ];
  for (const [kind, key] of strong) {
    const profile = key ? lookup(kind, key) : null;
    if (profile) return { profile, via: kind };
  }
  // The newest encrypted state says who can read the conversation now.
  for (const blob of [...keys.compactionBlobs.slice(-1), ...keys.encrypted.slice(-OWNER_PROBE).reverse()]) {
    const profile = lookup("encrypted", blobKey(blob));
    if (profile) return { profile, via: "encrypted" };
  }
  const weak: [BindingKindName, string | null][] = [
    ["session", keys.session],
    ["prompt_cache_key", keys.promptCacheKey],
    ["claude_session", keys.claudeSession],
  ];
  for (const [kind, key] of weak) {
    const profile = key ? lookup(kind, key) : null;
    if (profile) return { profile, via: kind };
  }
  return null;
}

/**
 * Encrypted reasoning that `name` cannot read: blobs bound to another account, plus — when the
 * request is moving off its owner — blobs nobody bound (they were most likely the owner's).
 */
export function foreignBlobs(
  keys: AffinityKeys,
  name: string,
  owner: string | null,
  lookup: BindingLookup,
): Set<string> {
  const out = new Set<string>();
  for (const blob of keys.encrypted) {
    const who = lookup("encrypted", blobKey(blob));
    if (who ? who !== name : owner !== null && owner !== name) out.add(blob);
  }
  return out;
}

/** `encrypted_content` of every item in a list (reasoning and compaction). */
export function blobsIn(items: unknown[]): string[] {
  const out: string[] = [];
  for (const item of items)
    if (isRecord(item) && typeof item.encrypted_content === "string") out.push(item.encrypted_content);
  return out;
}
