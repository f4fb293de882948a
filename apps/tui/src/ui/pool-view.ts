import { hue } from "../env/theme.ts";
import { fmtClock, fmtCount, fmtDuration, fmtLatency, fmtPct, sparkline, truncate } from "../format/format.ts";
import { poolTotals, servingProfile, type PoolState } from "../feed/pool-state.ts";
import { filterEvents, type PoolViewState } from "../pool/pool-controller.ts";
import { dim, fit, padEndText, plain, seg, spread, type Line } from "./lines.ts";
import { eventLine, modeTag, rule } from "./parts.ts";
import { footerLine, type ScreenProps } from "./screen-frame.ts";
import { quotaTableLines } from "./quota-table.ts";

export type PoolViewProps = ScreenProps & {
  state: PoolState;
  view: PoolViewState;
  /** The title at the top left (default "prodex pool"). */
  heading?: string;
  /** What follows the title, instead of the local pool's count and serving line. */
  summary?: Line;
  /** Lines drawn between the accounts and the events (the team dashboard's instances and keys). */
  sections?: Line[];
  /** The key hints at the bottom, instead of the local pool's. */
  keys?: Line;
};

/** Rows for the profile table, history and event log, in that order of priority. */
export function poolBudget(profiles: number, height: number): { table: number; history: number; events: number } {
  // header + 3 rules + footer
  const room = Math.max(0, height - 5);
  const table = Math.min(profiles + 1, Math.max(2, room - 3));
  let left = room - table;
  const history = left - Math.min(profiles, 8) >= 5 ? Math.min(profiles, 8) : 0;
  left -= history;
  return { table, history, events: Math.max(0, left) };
}

/** Full-screen pool view, exactly `height` lines: every profile, quota history, the event log with filters. */
export function poolLines(props: PoolViewProps): Line[] {
  const { state, view, theme, width, height, now } = props;
  const snap = state.snapshot;
  const g = theme.g;
  const totals = poolTotals(snap);
  const serving = servingProfile(snap);
  const sections = props.sections ?? [];
  const budget = poolBudget(snap.profiles.length, height - sections.length);
  const out: Line[] = [];
  const live: Line = snap.offline
    ? [plain("no proxy running"), dim(` ${g.dot} stored quota ${g.dot} next launch starts on ${snap.current ?? "—"}`)]
    : [
        plain(serving ? `serving ${serving.name}` : "nothing serving"),
        dim(` ${g.dot} `),
        ...modeTag(snap, theme),
        dim(
          ` ${g.dot} ${fmtCount(totals.requests)} req ${g.dot} ${fmtCount(totals.errors)} err ${g.dot} ${fmtLatency(totals.latencyMs)} median`,
        ),
      ];
  out.push(
    spread(
      [
        seg(` ${props.heading ?? "prodex pool"}`, { bold: true, hue: hue(theme, "cyan") }),
        ...(props.summary ?? [dim(` ${g.dot} ${snap.profiles.length} profiles ${g.dot} `), ...live]),
      ],
      [dim(`${fmtClock(now)} `)],
      width,
      g.ellipsis,
    ),
  );
  out.push(rule(width, theme, "profiles"));
  out.push(
    ...quotaTableLines({
      profiles: snap.profiles,
      detail: true,
      numbered: true,
      theme,
      now,
      width,
      selected: view.selected,
      pinned: snap.pinned,
    }).slice(0, budget.table),
  );
  out.push(rule(width, theme, budget.history ? "quota history (5h used)" : undefined));
  const nameW = Math.min(16, Math.max(8, ...snap.profiles.map((p) => p.name.length + 2)));
  const sparkW = Math.max(8, Math.min(60, width - nameW - 24));
  for (const p of snap.profiles.slice(0, budget.history)) {
    const pts = state.history[p.name] ?? [];
    const first = pts[0];
    const last = pts[pts.length - 1];
    out.push([
      plain(` ${padEndText(truncate(p.name, nameW - 1, g.ellipsis), nameW)}`),
      seg(
        padEndText(
          sparkline(
            pts.map((x) => x.used),
            sparkW,
            g,
          ),
          sparkW,
        ),
        { hue: hue(theme, "cyan") },
      ),
      plain(last ? ` ${fmtPct(last.used).padStart(4)}` : ` ${g.none}`),
      dim(first && last && last.at > first.at ? `  over ${fmtDuration(last.at - first.at)}` : ""),
    ]);
  }
  out.push(...sections);
  const filter = [
    view.level === "all" ? "all levels" : `${view.level}+`,
    view.text || view.editing ? `"${view.text}${view.editing ? "_" : ""}"` : "",
  ]
    .filter(Boolean)
    .join(` ${g.dot} `);
  out.push(rule(width, theme, `events ${g.dot} ${filter}`));
  const events = filterEvents(state.events, view).slice(-budget.events).reverse();
  if (!events.length && budget.events > 0)
    out.push([dim(view.text || view.level !== "all" ? " no events match the filter" : " no events yet")]);
  for (const e of events) out.push(eventLine(e, theme, width, { seconds: true, kind: true }));
  while (out.length < height - 1) out.push([]);
  out.push(
    props.keys && !props.notice
      ? props.keys
      : footerLine(
          props,
          [
            `${theme.ascii ? "up/down" : "↑↓"} select`,
            "p pin",
            "u unpin",
            "a auto-rotate",
            "s pause account",
            "f level",
            "/ search",
            "c clear",
            "t usage",
          ].join(` ${g.dot} `),
        ),
  );
  return out.slice(0, height).map((l) => fit(l, width, g.ellipsis));
}
