import { z } from "zod";

// The wire format of a broker's `/__admin/<secret>/…` endpoints, shared by the routes and the
// attaching launches (zod at both ends of the boundary).

const models = z.strictObject({
  opus: z.string().min(1),
  sonnet: z.string().min(1),
  haiku: z.string().min(1),
  default: z.string().min(1),
});

export const leaseRequest = z.strictObject({
  pid: z.number().int().positive(),
  profile: z.string().min(1).nullable(),
  autoRotate: z.boolean(),
  models: models.nullable().default(null),
});

/** A heartbeat: with `secret`, a lease the broker had let go is re-admitted as it was. */
export const renewRequest = leaseRequest.extend({
  secret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32}$/)
    .optional(),
});

export const leaseGranted = z.object({
  id: z.string(),
  secret: z.string(),
  heartbeatMs: z.number().int().positive(),
  runtimeLog: z.string(),
});

export const health = z.object({
  ok: z.boolean(),
  pid: z.number().int(),
  url: z.string(),
  upstream: z.string(),
  uptimeSeconds: z.number(),
  runtimeLog: z.string(),
  leases: z.array(
    z.object({
      id: z.string(),
      pid: z.number().int(),
      profile: z.string().nullable(),
      autoRotate: z.boolean(),
      openedAt: z.number(),
      beatAt: z.number(),
    }),
  ),
  profiles: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      current: z.boolean(),
      needsLogin: z.boolean(),
      backoffUntil: z.number().nullable(),
    }),
  ),
});

export type LeaseRequest = z.infer<typeof leaseRequest>;
export type LeaseGranted = z.infer<typeof leaseGranted>;
export type BrokerHealth = z.infer<typeof health>;
