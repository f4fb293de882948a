// The team gateway's usage report (`prodex gateway usage`, `GET /gateway/v1/usage`): its groupings and its shape,
// here so the gateway that makes it and a laptop that reads it over HTTP (`prodex usage --gateway`) share them.
import { z } from "zod";
import { UsageError } from "../errors.ts";
import { csvLines, totalsCsv } from "./ledger-csv.ts";
import type { LedgerTotal } from "./ledger-totals.ts";
import { ledgerTotalSchema } from "./usage-summary.ts";
import type { ShareWindow, WindowShares } from "./window-shares.ts";

export const GATEWAY_GROUPS = ["key", "account", "model", "day", "client"] as const;
export type GatewayBy = (typeof GATEWAY_GROUPS)[number];

export type GatewayUsage = {
  schema: "prodex.gateway-usage/v1";
  since: string;
  by: GatewayBy;
  /** A `user` key's report covers only its own requests. */
  scope: "all" | "own";
  groups: LedgerTotal[];
  total: LedgerTotal;
  /** Each account's 5-hour and weekly windows and each key's estimated share (admin, viewer and operators only). */
  windows: WindowShares[] | null;
  /** The pool's room in aggregate: the mean percent left per window over the accounts that report it. */
  pool: Record<ShareWindow, number | null>;
};

export function parseGatewayBy(value: string): GatewayBy {
  const by = GATEWAY_GROUPS.find((b) => b === value);
  if (!by) throw new UsageError(`--by "${value}" is not a grouping`, `use one of ${GATEWAY_GROUPS.join(", ")}`);
  return by;
}

const percent = z.number().finite();
const shareWindow = z.enum(["5h", "weekly"]);

/** Validates a report read from a gateway over HTTP. */
export const gatewayUsageSchema: z.ZodType<GatewayUsage> = z.object({
  schema: z.literal("prodex.gateway-usage/v1"),
  since: z.string(),
  by: z.enum(GATEWAY_GROUPS),
  scope: z.enum(["all", "own"]),
  groups: z.array(ledgerTotalSchema),
  total: ledgerTotalSchema,
  windows: z
    .array(
      z.object({
        account: z.string(),
        window: shareWindow,
        usedPercent: percent,
        periodStart: z.number(),
        resetAt: z.number().nullable(),
        keys: z.array(
          z.object({
            key: z.string(),
            requests: z.number(),
            tokens: z.number(),
            share: z.number(),
            usedPercent: percent,
          }),
        ),
      }),
    )
    .nullable(),
  pool: z.object({ "5h": percent.nullable(), weekly: percent.nullable() }),
});

/** The shares as CSV: one line per (account, window, key). */
export function sharesCsv(windows: readonly WindowShares[]): string {
  const header = [
    "account",
    "window",
    "windowUsedPercent",
    "resetAt",
    "key",
    "requests",
    "tokens",
    "share",
    "keyUsedPercent",
  ];
  const rows = windows.flatMap((w) =>
    w.keys.map((k) => [
      w.account,
      w.window,
      round(w.usedPercent),
      w.resetAt === null ? null : new Date(w.resetAt).toISOString(),
      k.key,
      k.requests,
      k.tokens,
      round(k.share, 4),
      round(k.usedPercent),
    ]),
  );
  return csvLines(header, rows);
}

/** The report as the route and `--csv` give it: totals by group, or with `windows` the shares. */
export function usageCsv(report: GatewayUsage, windows: boolean): string {
  if (!windows) return totalsCsv(report.by, report.groups);
  if (!report.windows) throw new UsageError("a user key cannot see per-account windows", "ask an admin or viewer key");
  return sharesCsv(report.windows);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
