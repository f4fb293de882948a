// Claude Code 2.1.332 names what each request is for in `x-claude-code-request-class`: main,
// subagent, workflow, compaction (the conversation and its own work), auxiliary (titles,
// summaries, classifiers) or side_reply (a side question answered beside the conversation).

export const REQUEST_CLASS_HEADER = "x-claude-code-request-class";

/** The class a request names, lower-cased; null when it names none (clients before 2.1.332). */
export function requestClassOf(headers: Headers): string | null {
  const v = headers.get(REQUEST_CLASS_HEADER)?.trim().toLowerCase();
  return v ? v : null;
}

/** Classes that are not the conversation: served by whichever account, they never bind it to one. */
const NOT_THE_CONVERSATION = new Set(["auxiliary", "side_reply"]);

/**
 * Does a request of this class pin its conversation to the account that served it? Auxiliary work
 * and side replies do not: a title generated on another account must not move the conversation
 * there. No class, and classes prodex does not know yet, pin as every request did before.
 */
export function pinsAffinity(requestClass: string | null): boolean {
  return requestClass === null || !NOT_THE_CONVERSATION.has(requestClass);
}
