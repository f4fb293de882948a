/**
 * Request fields the ChatGPT Codex backend is not known to accept. Codex CLI never sends them, and
 * other proxies of this backend strip them ("Unsupported parameter"), so by default they are
 * dropped before the request goes upstream, with a note in the runtime log. An upstream that takes
 * them (a deployment can say so) gets them as sent.
 */
export type UpstreamParams = {
  /** `max_output_tokens` (Chat Completions: `max_tokens` / `max_completion_tokens`). */
  maxOutputTokens: boolean;
  /** `temperature` and `top_p`. */
  sampling: boolean;
};

export const CHATGPT_PARAMS: UpstreamParams = { maxOutputTokens: false, sampling: false };

/** The fields of `body` to drop for an upstream that accepts `accepts`, each with its note. */
export function unsupportedFields(
  body: Record<string, unknown>,
  accepts: UpstreamParams,
): { field: string; note: string }[] {
  const out: { field: string; note: string }[] = [];
  if (!accepts.maxOutputTokens && body.max_output_tokens != null)
    out.push({ field: "max_output_tokens", note: "max_output_tokens dropped (not accepted upstream)" });
  if (!accepts.sampling) {
    for (const field of ["temperature", "top_p"]) {
      if (body[field] != null) out.push({ field, note: `${field} dropped (not accepted upstream)` });
    }
  }
  return out;
}
