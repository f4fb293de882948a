// What in a request ties it to the account that served earlier work (pure).

export type AffinityKeys = {
  previousResponseId: string | null;
  turnState: string | null;
  session: string | null;
  promptCacheKey: string | null;
  claudeSession: string | null;
  /** Input items carrying encrypted reasoning: only their account can read them, but they can be dropped. */
  encryptedItems: number;
  /** Compaction items hold the conversation's history; dropping them would lose it. */
  compaction: boolean;
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function header(headers: Headers, name: string): string | null {
  const v = headers.get(name);
  return v && v.length <= 512 ? v : null;
}

export function extractAffinity(headers: Headers, body: unknown): AffinityKeys {
  const b = isRecord(body) ? body : {};
  let encryptedItems = 0;
  let compaction = false;
  if (Array.isArray(b.input)) {
    for (const item of b.input) {
      if (!isRecord(item)) continue;
      if (item.type === "compaction" || item.type === "compaction_summary") compaction = true;
      else if (typeof item.encrypted_content === "string") encryptedItems++;
    }
  }
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 512 ? v : null);
  return {
    previousResponseId: str(b.previous_response_id),
    turnState: header(headers, "x-codex-turn-state"),
    session: header(headers, "session-id") ?? header(headers, "session_id") ?? header(headers, "thread-id"),
    promptCacheKey: str(b.prompt_cache_key),
    claudeSession: header(headers, "x-claude-code-session-id"),
    encryptedItems,
    compaction,
  };
}

/** The request can only be answered by the account that produced its state. */
export function mustStay(keys: AffinityKeys): boolean {
  return keys.previousResponseId !== null || keys.compaction;
}

/** A copy of the body without account-bound reasoning items (so another account can take it). */
export function stripEncrypted(body: Record<string, unknown>): { body: Record<string, unknown>; removed: number } {
  if (!Array.isArray(body.input)) return { body, removed: 0 };
  const input = body.input.filter((item) => !(isRecord(item) && item.type !== "compaction" && typeof item.encrypted_content === "string"));
  return { body: { ...body, input }, removed: body.input.length - input.length };
}

export type BindingLookup = (kind: "response_id" | "turn_state" | "session" | "prompt_cache_key" | "claude_session", key: string) => string | null;

/** The account that owns this request's state, strongest key first; null when none is known. */
export function ownerOf(keys: AffinityKeys, lookup: BindingLookup): { profile: string; via: string } | null {
  const order: [Parameters<BindingLookup>[0], string | null][] = [
    ["response_id", keys.previousResponseId],
    ["turn_state", keys.turnState],
    ["session", keys.session],
    ["prompt_cache_key", keys.promptCacheKey],
    ["claude_session", keys.claudeSession],
  ];
  for (const [kind, key] of order) {
    if (!key) continue;
    const profile = lookup(kind, key);
    if (profile) return { profile, via: kind };
  }
  return null;
}
