import { type Whoami, whoamiSchema } from "@prodex/core";
import { readGateway } from "./gateway-read.ts";

/**
 * Which key this is, asked of the gateway (`GET /gateway/v1/whoami`), or one clear line: unreachable, a key the
 * gateway does not know, any other answer. `prodex gateway login` and the team dashboard both start with it.
 */
export function checkGatewayKey(url: string, key: string, f: typeof fetch = fetch): Promise<Whoami> {
  return readGateway(url, key, "/gateway/v1/whoami", whoamiSchema, f);
}
