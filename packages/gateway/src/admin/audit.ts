// The audit trail: every change to keys, limits, accounts and the secret key goes to the shared timeline
// (gw_events, kind "audit") with who made it — an admin key by name, or the operator at the database.
import { randomUUID } from "node:crypto";
import { hostname, userInfo } from "node:os";
import type { EventData } from "@prodex/core";
import type { GatewayStore } from "@prodex/store/pg";

export type AuditAction =
  | "key.created"
  | "key.revoked"
  | "key.limits"
  | "account.added"
  | "account.removed"
  | "account.paused"
  | "account.resumed"
  | "secret-key.rotated"
  | "pool.pinned"
  | "pool.unpinned"
  | "pool.paused"
  | "pool.resumed";

/** The operator running a `prodex gateway` command on this host (never a credential). */
export function operator(): string {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): the host still says where it came from
  }
  return `operator ${user}@${hostname()}`;
}

/** `who` for a change made through the admin routes. */
export const byKey = (name: string) => `key ${name}`;

export async function audit(
  store: GatewayStore,
  who: string,
  action: AuditAction,
  subject: string,
  detail = "",
  change?: Pick<EventData<"audit">, "from" | "to">,
): Promise<void> {
  const data: EventData<"audit"> = { action, who, subject, ...change };
  const account = action.startsWith("account.") || action === "pool.pinned" ? subject : null;
  const message = `${who}: ${action} ${subject}${detail ? ` (${detail})` : ""}`;
  // Each row its own (instance, seq): an audit line is written once, by the process that made the change.
  await store.events.insertMany([
    { instance: `audit:${randomUUID()}`, seq: 0, at: Date.now(), kind: "audit", level: "info", account, message, data },
  ]);
  // Dashboards attached to any instance show it now (timeline-feed.ts).
  await store.notify({ t: "events", from: "audit" }).catch(() => {});
}
