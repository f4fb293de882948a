import { UsageError, type Whoami, whoamiSchema } from "@prodex/core";

/**
 * Which key this is, asked of the gateway (`GET /gateway/v1/whoami`), or one clear line: unreachable, a key the
 * gateway does not know, any other answer. `prodex gateway login` and the team dashboard both start with it.
 */
export async function checkGatewayKey(url: string, key: string, f: typeof fetch = fetch): Promise<Whoami> {
  let res: Response;
  try {
    res = await f(`${url}/gateway/v1/whoami`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (cause) {
    throw new UsageError(
      `cannot reach the gateway at ${url} (${(cause as Error).message})`,
      "check the address, and that an instance runs",
      { cause },
    );
  }
  if (res.status === 401)
    throw new UsageError(
      `the gateway at ${url} does not know this key (unknown or revoked)`,
      "ask its operator for one: prodex gateway key create NAME",
    );
  if (!res.ok)
    throw new UsageError(`the gateway at ${url} answered HTTP ${res.status}`, "check /readyz on it, then try again");
  const who = whoamiSchema.safeParse(await res.json().catch(() => null));
  if (!who.success)
    throw new UsageError(
      `${url} did not answer as a prodex gateway`,
      "check the address (the gateway's, not a proxy's)",
    );
  return who.data;
}
