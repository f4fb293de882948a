// What each upstream socket holds for `previous_response_id`. With `store:false` a response
// lives only on the connection that produced it, and Codex then sends just the new input. The
// proxy keeps the full input and output of the latest responses so it can replay a request on
// another socket — another account after a limit, or the same one after a token refresh —
// as one self-contained request. Pure.
import { isRecord } from "@prodex/guards";
import { stripEncrypted } from "../affinity/affinity-keys.ts";

export type ChainEntry = {
  id: string;
  profile: string;
  /** The upstream socket that knows `id`; any other socket needs the full input. */
  socket: number;
  /** Everything the upstream saw as input for this response (after any stripping). */
  input: unknown[];
  output: unknown[];
  /** Compaction items carry the history encrypted for `profile`: the chain cannot move. */
  compaction: boolean;
  /** Rough size (JSON characters) of input + output, to bound what a connection keeps. */
  chars: number;
};

export const CHAIN_MAX_CHARS = 64 * 1024 * 1024;
const KEEP = 4;

const inputOf = (body: Record<string, unknown>): unknown[] => (Array.isArray(body.input) ? body.input : []);
const isCompaction = (item: unknown) =>
  isRecord(item) && (item.type === "compaction" || item.type === "compaction_summary");

export class ResponseChain {
  private entries = new Map<string, ChainEntry>();

  constructor(private readonly maxChars = CHAIN_MAX_CHARS) {}

  get(id: string | null): ChainEntry | undefined {
    return id === null ? undefined : this.entries.get(id);
  }

  /** Remembers a finished response; the oldest are forgotten (Codex only chains the latest). */
  record(entry: ChainEntry): void {
    if (entry.chars > this.maxChars) {
      // Too big to keep: continuations of it stay on their socket or are refused, never guessed.
      this.entries.clear();
      return;
    }
    this.entries.set(entry.id, entry);
    while (this.entries.size > KEEP) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The full input of a request: what its previous response held, then the new items. */
export function fullInput(body: Record<string, unknown>, prev: ChainEntry | undefined): unknown[] {
  const input = inputOf(body);
  return prev ? [...prev.input, ...prev.output, ...input] : input;
}

export function hasCompaction(items: unknown[]): boolean {
  return items.some(isCompaction);
}

/**
 * The request to send on a socket that does not know `prev`: self-contained (no
 * previous_response_id). Moving to another account also drops reasoning only `prev`'s
 * account can decrypt, as the HTTP path does.
 */
export function replayBody(
  body: Record<string, unknown>,
  prev: ChainEntry,
  toProfile: string,
): { body: Record<string, unknown>; removed: number } {
  const { previous_response_id: _dropped, ...rest } = body;
  const full = { ...rest, input: fullInput(body, prev) };
  return prev.profile === toProfile ? { body: full, removed: 0 } : stripEncrypted(full);
}
