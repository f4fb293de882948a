import type { z } from "zod";
import { type BrokerHealth, type LeaseGranted, type LeaseRequest, health, leaseGranted } from "./admin-schemas.ts";

// A launch's HTTP calls to a broker's `/__admin/<secret>` endpoints (loopback, short timeouts).

export type BrokerRef = { url: string; pid: number; adminSecret: string };

const admin = (b: BrokerRef, path: string) => `${b.url}/__admin/${b.adminSecret}${path}`;

async function call(f: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Response | null> {
  try {
    return await f(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return null;
  }
}

async function parsed<T>(res: Response | null, schema: z.ZodType<T>): Promise<T | null> {
  if (!res?.ok) {
    await res?.body?.cancel().catch(() => {});
    return null;
  }
  try {
    const out = schema.safeParse(await res.json());
    return out.success ? out.data : null;
  } catch {
    return null;
  }
}

/** The broker's health, or null when it does not answer as a healthy broker. */
export async function brokerHealth(
  b: BrokerRef,
  f: typeof fetch = fetch,
  timeoutMs = 2_000,
): Promise<BrokerHealth | null> {
  const h = await parsed(await call(f, admin(b, "/health"), {}, timeoutMs), health);
  return h?.ok && h.pid === b.pid ? h : null;
}

export type LeaseAnswer =
  | { kind: "granted"; lease: LeaseGranted }
  | { kind: "refused"; status: number }
  | { kind: "unreachable" };

export async function openLease(b: BrokerRef, body: LeaseRequest, f: typeof fetch = fetch): Promise<LeaseAnswer> {
  const res = await call(
    f,
    admin(b, "/leases"),
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    5_000,
  );
  if (!res) return { kind: "unreachable" };
  const lease = await parsed(res, leaseGranted);
  return lease ? { kind: "granted", lease } : { kind: "refused", status: res.status };
}

/** Heartbeat; re-admits the lease (same id and secret) if the broker had let it go. */
export async function renewLease(
  b: BrokerRef,
  id: string,
  body: LeaseRequest & { secret: string },
  f: typeof fetch = fetch,
): Promise<LeaseAnswer> {
  const res = await call(
    f,
    admin(b, `/leases/${id}`),
    { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    5_000,
  );
  if (!res) return { kind: "unreachable" };
  const lease = await parsed(res, leaseGranted);
  return lease ? { kind: "granted", lease } : { kind: "refused", status: res.status };
}

export async function releaseLease(b: BrokerRef, id: string, f: typeof fetch = fetch): Promise<boolean> {
  const res = await call(f, admin(b, `/leases/${id}`), { method: "DELETE" }, 2_000);
  await res?.body?.cancel().catch(() => {});
  return res?.status === 204;
}
