import { periodTotals, quotaCell } from "@prodex/core";
import type { ProfileView, UsageGroup, UsagePeriod, UsageSummary, UsageTotal } from "@prodex/core/types";
import { USAGE_PERIODS } from "@prodex/core/types";
import { hue } from "../env/theme.ts";
import { mainWindows } from "../feed/pool-state.ts";
import { fmtClock, fmtCount } from "../format/format.ts";
import { dim, fit, plain, seg, spread, type Line } from "./lines.ts";
import { rule } from "./parts.ts";
import { footerLine, type ScreenProps } from "./screen-frame.ts";
import { usageTableLines } from "./usage-table.ts";

export type UsageViewProps = ScreenProps & {
  /** Null until the feed's first usage message arrives. */
  summary: UsageSummary | null;
  period: UsagePeriod;
  /** The tables to show, top to bottom (default: per profile, then per model). */
  groups?: readonly UsageGroup[];
  /** The local pool's profiles: each profile row shows its own account's 5-hour and weekly windows. */
  profiles?: readonly ProfileView[];
};

/**
 * Profile rows with the points of their account's windows they used: a profile is its own account, so all of
 * a window's use is its own — its used percent, as `prodex quota` shows it (0 once the window has reset).
 */
export function withAccountWindows(
  rows: readonly UsageTotal[],
  profiles: readonly ProfileView[],
  now: number,
): UsageTotal[] {
  return rows.map((row) => {
    const p = profiles.find((x) => x.name === row.group);
    if (!p) return row;
    const { primary, weekly } = mainWindows(p);
    const used = (w: typeof primary) => (w ? quotaCell(w, now).usedPercent : null);
    return { ...row, windows: { "5h": used(primary), weekly: used(weekly) } };
  });
}

export const PERIOD_LABEL: Record<UsagePeriod, string> = {
  "1h": "last hour",
  "24h": "last day",
  "7d": "last 7 days",
};

const GROUP_TITLE: Record<UsageGroup, { rule: string; column: string }> = {
  profile: { rule: "by profile", column: "PROFILE" },
  model: { rule: "by model", column: "MODEL" },
  key: { rule: "by key", column: "KEY" },
};

/** Lines for each table (header included) out of `room`: each gets what it needs when all fit, else a fair part. */
export function usageBudget(needs: readonly number[], room: number): number[] {
  const got = needs.map(() => 0);
  let left = Math.max(0, room);
  // Hand out one line at a time to the tables still short, in turn: small tables fill up, big ones share the rest.
  while (left > 0) {
    let gave = false;
    for (let i = 0; i < needs.length && left > 0; i++) {
      if ((got[i] as number) < (needs[i] as number)) {
        got[i] = (got[i] as number) + 1;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return got;
}

/** The period after (or before, `step` -1) `period`, wrapping around. */
export function nextPeriod(period: UsagePeriod, step = 1): UsagePeriod {
  const i = USAGE_PERIODS.indexOf(period);
  const n = USAGE_PERIODS.length;
  return USAGE_PERIODS[(((i + step) % n) + n) % n] as UsagePeriod;
}

/** Full-screen usage view, exactly `height` lines: totals for the period, then a table per grouping. */
export function usageLines(props: UsageViewProps): Line[] {
  const { theme, width, height, period } = props;
  const g = theme.g;
  const groups = props.groups ?? ["profile", "model"];
  const totals = periodTotals(props.summary, period);
  const t = totals?.total;
  const out: Line[] = [];
  const sum: Line = t
    ? [
        dim(` ${g.dot} ${fmtCount(t.requests)} req ${g.dot} `),
        seg(`${fmtCount(t.errors)} err`, { hue: t.errors ? hue(theme, "red") : undefined, dim: !t.errors }),
        dim(
          ` ${g.dot} ${fmtCount(t.totalTokens)} tokens: ${fmtCount(t.inputTokens)} in` +
            ` (${fmtCount(t.cachedTokens)} cached)` +
            ` ${g.dot} ${fmtCount(t.outputTokens)} out (${fmtCount(t.reasoningTokens)} reasoning)`,
        ),
      ]
    : [];
  out.push(
    spread(
      [seg(" prodex usage", { bold: true, hue: hue(theme, "cyan") }), dim(` ${g.dot} ${PERIOD_LABEL[period]}`), ...sum],
      // A narrow terminal keeps the totals rather than the clock.
      width >= 60 ? [dim(`${fmtClock(props.now)} `)] : [],
      width,
      g.ellipsis,
    ),
  );
  out.push([
    plain(" "),
    ...USAGE_PERIODS.flatMap((p, i) => {
      const text = ` ${i + 1} ${PERIOD_LABEL[p]} `;
      return [p === period ? seg(text, { inverse: true, bold: true }) : dim(text), plain(" ")];
    }),
  ]);
  const room = Math.max(0, height - 3 - groups.length);
  if (!props.summary) {
    out.push(rule(width, theme), [dim(" reading the usage ledger…")]);
  } else {
    const tables = groups.map((group) => {
      const rows = totals?.by[group] ?? [];
      return group === "profile" && props.profiles ? withAccountWindows(rows, props.profiles, props.now) : rows;
    });
    // A table needs its header, its rows, and (empty) one line to say so.
    const budget = usageBudget(
      tables.map((rows) => 1 + Math.max(1, rows.length)),
      room,
    );
    groups.forEach((group, i) => {
      out.push(rule(width, theme, `${GROUP_TITLE[group].rule} ${g.dot} ${PERIOD_LABEL[period]}`));
      const lines = budget[i] as number;
      if (lines > 0)
        out.push(
          ...usageTableLines({
            rows: tables[i] ?? [],
            label: GROUP_TITLE[group].column,
            theme,
            width,
            height: lines,
            ...(t ? { total: t } : {}),
          }),
        );
    });
  }
  while (out.length < height - 1) out.push([]);
  out.push(footerLine(props, `1 2 3 / ${theme.ascii ? "left/right" : "←→"} period ${g.dot} t pool view`));
  return out.slice(0, height).map((l) => fit(l, width, g.ellipsis));
}
