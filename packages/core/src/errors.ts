// Typed errors: each carries one user-facing line (what, where, what to do) and an exit code.
// The CLI prints `message` (+ `hint`) and exits; it never prints a stack for these.

export type ExitCode = 1 | 2 | 3 | 4;

export class ProdexError extends Error {
  override name = "ProdexError";
  readonly exitCode: ExitCode = 1;
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad arguments, unknown names, conflicting state the user can fix: exit 1. */
export class UsageError extends ProdexError {
  override name = "UsageError";
}

export class NotFoundError extends UsageError {
  override name = "NotFoundError";
}

export class ConflictError extends UsageError {
  override name = "ConflictError";
}

/** No profile can serve right now: exit 2. */
export class NoReadyProfileError extends ProdexError {
  override name = "NoReadyProfileError";
  override readonly exitCode = 2;
  constructor(
    message: string,
    readonly earliestReset: number | null,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** Upstream or auth trouble (network, 5xx, dead refresh token): exit 3. */
export class UpstreamError extends ProdexError {
  override name = "UpstreamError";
  override readonly exitCode = 3;
  constructor(
    message: string,
    readonly status?: number,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
  }
}

/**
 * Something prodex itself needs besides the account is down (the team gateway's database): the account is not at
 * fault, so it is not rested; the request gets a 503 with this message if no other account serves it.
 */
export class DependencyDownError extends UpstreamError {
  override name = "DependencyDownError";
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 503, hint, options);
  }
}

export class AuthError extends ProdexError {
  override name = "AuthError";
  override readonly exitCode = 3;
  constructor(
    message: string,
    readonly profile: string | null,
    readonly needsLogin: boolean,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
  }
}

/** Local files/database in a state prodex cannot use: exit 4. */
export class LocalStateError extends ProdexError {
  override name = "LocalStateError";
  override readonly exitCode = 4;
}

export function errorMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** `message` about profile `name`, prefixed with the name unless it already names it (`profile "p1": …`). */
export function aboutProfile(name: string, message: string): string {
  return message.includes(`"${name}"`) ? message : `${name}: ${message}`;
}
