export type WindowLabel = "5h" | "weekly" | "other";

export type UsageWindow = {
  label: WindowLabel;
  /** 0..100 (may exceed 100 upstream; clamp when displaying). */
  usedPercent: number;
  windowSeconds: number | null;
  /** Epoch ms, or null when unknown. */
  resetAt: number | null;
  /** "codex" for the main limit, else the additional limit's name. */
  limit: string;
};

export type QuotaStatus = "ready" | "thin" | "critical" | "exhausted" | "unknown";

export type UsageSnapshot = {
  profile: string;
  /** Epoch ms. */
  fetchedAt: number;
  source: "live" | "headers";
  plan: string | null;
  windows: UsageWindow[];
};
