import { describe, expect, test } from "bun:test";
import { type GatewayUsage, type LedgerTotal, gatewayUsageSchema } from "@prodex/core";
import { gatewayUsageText } from "./gateway-usage-output.ts";

const total = (group: string, requests: number, inputTokens: number): LedgerTotal => ({
  group,
  requests,
  errors: 0,
  inputTokens,
  cachedTokens: 0,
  outputTokens: 10,
  reasoningTokens: 0,
  totalTokens: inputTokens + 10,
  rotations: 0,
});
const since = "2026-12-06T12:00:00.000Z";
const own: GatewayUsage = {
  schema: "prodex.gateway-usage/v1",
  since,
  by: "model",
  scope: "own",
  groups: [total("gpt-5", 3, 1_200), total("gpt-5-codex", 1, 40)],
  total: total("all", 4, 1_240),
  windows: null,
  pool: { "5h": 62.5, weekly: null },
};
const all: GatewayUsage = {
  ...own,
  by: "key",
  scope: "all",
  groups: [total("dev", 4, 1_240)],
  pool: { "5h": null, weekly: null },
  windows: [
    {
      account: "acct-a",
      window: "weekly",
      usedPercent: 40,
      periodStart: 0,
      resetAt: Date.UTC(2026, 11, 10, 9, 0, 0, 500),
      keys: [{ key: "dev", requests: 4, tokens: 1_250, share: 0.5, usedPercent: 20 }],
    },
  ],
};

describe("gatewayUsageText", () => {
  test.each([
    [
      "a user key: its own rows, the table `prodex usage` prints, the pool's room; no account anywhere",
      own,
      [
        "model        requests  errors  input  cached  output  reasoning  total  rotations",
        "gpt-5        3         0       1,200  0       10      0          1,210  0",
        "gpt-5-codex  1         0       40     0       10      0          50     0",
        "all          4         0       1,240  0       10      0          1,250  0",
        `(since ${since})`,
        "(this key's own requests)",
        "the pool's room (mean over its accounts): 5h 62.5% left · weekly -",
      ],
    ],
    [
      "a viewer: everyone's, and who used each account's windows (no room reported: no line for it)",
      all,
      [
        "key  requests  errors  input  cached  output  reasoning  total  rotations",
        "dev  4         0       1,240  0       10      0          1,250  0",
        `(since ${since})`,
        "",
        "who used each account's windows (a key's share of the tokens the account served since the window began, " +
          "times how full it is):",
        "account  window  used   resets                key  tokens  share  ≈ used by key",
        "acct-a   weekly  40.0%  2026-12-10T09:00:00Z  dev  1,250   50.0%  20.0%",
      ],
    ],
    [
      "nothing yet",
      { ...own, groups: [], total: total("all", 0, 0), pool: { "5h": null, weekly: null } },
      [`no requests recorded since ${since}`, "(this key's own requests)"],
    ],
  ] as [string, GatewayUsage, string[]][])("%s", (_name, report, lines) => {
    expect(
      gatewayUsageText(report)
        .split("\n")
        .map((l) => l.trimEnd()),
    ).toEqual(lines);
  });

  test("the report read over HTTP is checked: a gateway's answer passes, anything else does not", () => {
    expect(gatewayUsageSchema.safeParse(JSON.parse(JSON.stringify(all))).success).toBe(true);
    expect(gatewayUsageSchema.safeParse({ ...own, by: "profile" }).success).toBe(false);
    expect(gatewayUsageSchema.safeParse({ ...own, total: { group: "all" } }).success).toBe(false);
  });
});
