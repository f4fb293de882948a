import { type GatewayBy, type GatewayUsage, gatewayUsageSchema } from "@prodex/core";
import { readGateway } from "./gateway-read.ts";

/**
 * The gateway's usage report for this key (`GET /gateway/v1/usage`): a `user` key's own rows and the pool's room
 * in aggregate, an admin's or viewer's everything. `since` is epoch ms, sent as a date so the laptop's clock
 * decides what "24h" means.
 */
export function gatewayUsage(
  url: string,
  key: string,
  q: { by: GatewayBy; since: number },
  f: typeof fetch = fetch,
): Promise<GatewayUsage> {
  const query = new URLSearchParams({ by: q.by, since: new Date(q.since).toISOString() });
  return readGateway(url, key, `/gateway/v1/usage?${query}`, gatewayUsageSchema, f);
}
