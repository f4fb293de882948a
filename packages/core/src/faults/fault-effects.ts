import type { Faults } from "./faults.ts";

// What an injected fault looks like to the code it hits: the same error shapes the real
// failure produces (a `code` like Node's and bun:sqlite's), so handling is tested, not faked.

function coded(message: string, code: string, errno?: number): Error {
  return Object.assign(new Error(`${message} (injected by PRODEX_FAULTS)`), { code, errno });
}

/** bun:sqlite's SQLiteError for a locked database. */
export function busyError(): Error {
  return coded("database is locked", "SQLITE_BUSY", 5);
}

export function diskFullError(path: string): Error {
  return coded(`ENOSPC: no space left on device, write '${path}'`, "ENOSPC", -28);
}

export function connectRefused(url: string): Error {
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  return coded(`Unable to connect to ${host}: ECONNREFUSED`, "ECONNREFUSED");
}

export function connectionReset(): Error {
  return coded("The socket connection was closed unexpectedly", "ECONNRESET");
}

/**
 * `token.hang`: blocks for `ms`, or until the process is killed (a ref'd timer keeps it alive,
 * so a launch waiting here does not simply exit).
 */
export function hang(ms: number | null): Promise<void> {
  if (ms !== null) return Bun.sleep(ms);
  return new Promise(() => {
    setInterval(() => {}, 60_000);
  });
}

/** The token endpoint as `token.down` / `token.reused` make it answer for `profile`. */
export function tokenFetch(faults: Faults, profile: string, real: typeof fetch): typeof fetch {
  const faulty = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (faults.take("token.down", profile)) throw connectRefused(url);
    if (faults.take("token.reused", profile)) {
      const error = {
        code: "refresh_token_reused",
        message: "Your refresh token has already been used to generate a new access token. (injected by PRODEX_FAULTS)",
      };
      return Response.json({ error }, { status: 401 });
    }
    return real(input, init);
  };
  return Object.assign(faulty, { preconnect: real.preconnect });
}
