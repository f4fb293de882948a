import { UsageError } from "@prodex/core";
import { z } from "zod";

/** The one-line error body the gateway's routes answer with. */
const errorBody = z.object({ error: z.object({ message: z.string() }) });

/**
 * `GET url + path` with the key, its JSON checked by `schema`; else one clear line: unreachable (10 s at most, never
 * a hang), a key the gateway does not know, a request it refused (its own message), any other answer.
 */
export async function readGateway<T>(
  url: string,
  key: string,
  path: string,
  schema: z.ZodType<T>,
  f: typeof fetch = fetch,
): Promise<T> {
  let res: Response;
  try {
    res = await f(`${url}${path}`, {
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
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const refused = errorBody.safeParse(body);
    if (refused.success && res.status < 500) throw new UsageError(refused.data.error.message);
    throw new UsageError(`the gateway at ${url} answered HTTP ${res.status}`, "check /readyz on it, then try again");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new UsageError(
      `${url} did not answer as a prodex gateway`,
      "check the address (the gateway's, not a proxy's)",
    );
  return parsed.data;
}
