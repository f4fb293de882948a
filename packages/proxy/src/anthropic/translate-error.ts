import type { z } from "zod";

/** A request prodex cannot translate. `message` is one user-facing line: what, where, what to do. */
export class TranslateError extends Error {
  override readonly name = "TranslateError";
  readonly code = "invalid_request" as const;
  constructor(
    message: string,
    readonly where: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Issue = z.core.$ZodIssue;

/** Which API a refused request was meant for: its name and what to check. */
export type ApiLabel = { name: string; hint: string };

export const MESSAGES_API: ApiLabel = {
  name: "Messages",
  hint: "Check that the client speaks the Anthropic Messages API.",
};

/** Turns the first zod issue into one line, descending into unions. */
export function fromZodError(error: z.ZodError, api: ApiLabel = MESSAGES_API): TranslateError {
  const { path, message } = firstIssue(error.issues, []);
  const where = path.length ? path.join(".") : "(body)";
  return new TranslateError(`Invalid ${api.name} request at ${where}: ${message}. ${api.hint}`, where, {
    cause: error,
  });
}

function firstIssue(issues: readonly Issue[], prefix: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const issue = issues[0];
  if (!issue) return { path: prefix, message: "invalid value" };
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    // Report the branch that got furthest (deepest path); on a tie the first one, which is the typed-block union.
    let branch = issue.errors[0];
    for (const b of issue.errors) if ((b[0]?.path.length ?? -1) > (branch?.[0]?.path.length ?? -1)) branch = b;
    if (branch?.length) return firstIssue(branch, path);
  }
  return { path, message: issue.message };
}
