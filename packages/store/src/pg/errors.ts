import { errorCode } from "@prodex/guards";

/** The gateway's PostgreSQL could not be reached or used; `message` is one line for the user, never holding a password. */
export class GatewayDbError extends Error {
  override readonly name = "GatewayDbError";
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The URL as it may be shown: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(an unparsable database URL)";
  }
}

// Socket errors, Bun.SQL's connection codes, and the server's own words while it stops or starts.
const CONNECTION = new RegExp(
  [
    "ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT",
    "ERR_POSTGRES_CONNECTION_\\w+|ERR_POSTGRES_SERVER_CLOSED\\w*|ERR_POSTGRES_IDLE_TIMEOUT",
    "Failed to connect|connection (closed|refused|terminated)|Connection closed|terminating connection",
    "the database system is (starting|shutting) (up|down)",
  ].join("|"),
  "i",
);

/** True when the failure is the server being unreachable (down, restarting, network), not a bad statement. */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = errorCode(e) ?? "";
    const errno = typeof e === "object" && e !== null && "errno" in e ? String((e as { errno: unknown }).errno) : "";
    if (CONNECTION.test(code) || CONNECTION.test(errno) || (e instanceof Error && CONNECTION.test(e.message)))
      return true;
    // 57P01..03: admin shutdown, crash shutdown, cannot connect now.
    if (/^57P0[123]$/.test(errno) || /^57P0[123]$/.test(code)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

export function describeDbError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
