// What a finished Responses answer says about itself: the model and the tokens it used, read from
// the terminal event (`response.completed` / `.incomplete` / `.failed`), the same on SSE and websocket.
import { asNumber, asRecord, asString } from "@prodex/guards";

export type TokenUsage = { inputTokens: number; cachedTokens: number; outputTokens: number; reasoningTokens: number };

export const NO_USAGE: TokenUsage = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };

const count = (value: unknown): number => {
  const n = asNumber(value);
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
};

/** The model and usage of a terminal event's `response` (zeros and null for whatever it lacks). */
export function completedUsage(event: unknown): { model: string | null; usage: TokenUsage } {
  const response = asRecord(asRecord(event)?.response);
  const usage = asRecord(response?.usage);
  return {
    model: asString(response?.model) ?? null,
    usage: {
      inputTokens: count(usage?.input_tokens),
      cachedTokens: count(asRecord(usage?.input_tokens_details)?.cached_tokens),
      outputTokens: count(usage?.output_tokens),
      reasoningTokens: count(asRecord(usage?.output_tokens_details)?.reasoning_tokens),
    },
  };
}
