import { type StatusTone, accountStatus } from "@prodex/core";
import type { ProfileView } from "@prodex/core/types";
import { hue, type Theme } from "../env/theme.ts";
import { fmtCount, fmtLatency, fmtPct, fmtReset, truncate } from "../format/format.ts";
import { mainWindows, poolTotals, servingProfile, type PoolState } from "../feed/pool-state.ts";
import { dim, fit, padEndText, padStartText, plain, seg, spread, type Line } from "./lines.ts";
import { badge, bar, eventLine, modeTag, rule, statusGlyph, windowLine } from "./parts.ts";

export type PanelProps = {
  state: PoolState;
  theme: Theme;
  width: number;
  height: number;
  now: number;
  /** "codex" | "claude": what runs in the pane. */
  title?: string;
  /** Replaces the footer hint, e.g. the prefix-key menu or a notice. */
  hint?: string;
  prefixLabel?: string;
};

/** "1 " … "9 ": the digit that pins the profile after the prefix key. */
const num = (i: number): Line => [dim(i < 9 ? `${i + 1} ` : "  ")];

/** Why it cannot serve and for how long ("back in 2h 5m: usage limit reached"); login has its own line. */
function restNote(p: ProfileView, now: number): { text: string; tone: StatusTone } | null {
  const s = accountStatus(p, now);
  return s.note === null || s.state === "needs-login" ? null : { text: s.note, tone: s.tone };
}

function profileBlock(p: ProfileView, i: number, theme: Theme, w: number, now: number, pinned: boolean): Line[] {
  const { primary, weekly } = mainWindows(p);
  const rest = restNote(p, now);
  const head = spread(
    [
      seg(`${p.current ? theme.g.current : " "} `, { hue: hue(theme, "cyan"), bold: true }),
      ...num(i),
      seg(p.name, { bold: p.current }),
      seg(pinned ? ` ${theme.g.pinned}` : "", { hue: hue(theme, "magenta") }),
    ],
    badge(accountStatus(p, now), theme),
    w,
    theme.g.ellipsis,
  );
  const lines: Line[] = [head];
  if (primary) lines.push([plain("  "), ...windowLine(primary, w - 2, theme, now)]);
  if (weekly) lines.push([plain("  "), ...windowLine(weekly, w - 2, theme, now)]);
  if (rest) lines.push([seg(`  ${rest.text}`, { hue: hue(theme, rest.tone) })]);
  if (p.needsLogin) lines.push([seg(`  needs login: prodex login ${p.name}`, { hue: hue(theme, "red") })]);
  else if (!primary && !weekly) lines.push([dim("  no quota data yet")]);
  return lines;
}

function compactLine(
  p: ProfileView,
  i: number,
  theme: Theme,
  w: number,
  now: number,
  pinned: boolean,
  nameW: number,
): Line {
  const { primary } = mainWindows(p);
  const pct = primary ? padStartText(fmtPct(primary.usedPercent), 5) : "";
  const reset = primary ? padStartText(fmtReset(primary.resetAt, now, ""), 7) : "";
  // marker 2 + number 2 + name + space + status glyph 2 + bar + pct + reset
  const barW = Math.max(3, w - 7 - nameW - pct.length - reset.length);
  const s = accountStatus(p, now);
  return [
    seg(`${p.current ? theme.g.current : " "} `, { hue: hue(theme, "cyan"), bold: true }),
    ...num(i),
    seg(padEndText(truncate(p.name + (pinned ? theme.g.pinned : ""), nameW, theme.g.ellipsis), nameW), {
      bold: p.current,
    }),
    plain(" "),
    seg(`${statusGlyph(s, theme)} `, { hue: hue(theme, s.tone) }),
    ...(primary
      ? bar(primary.usedPercent, barW, theme)
      : [dim(padEndText(p.needsLogin ? "login" : theme.g.none, barW))]),
    plain(pct),
    dim(reset),
  ];
}

function blockHeight(p: ProfileView, now: number): number {
  const { primary, weekly } = mainWindows(p);
  const backoff = restNote(p, now) ? 1 : 0;
  const note = p.needsLogin || (!primary && !weekly) ? 1 : 0;
  return 1 + (primary ? 1 : 0) + (weekly ? 1 : 0) + backoff + note;
}

// Header 1 + serving 2 + two rules + footer 2.
const CHROME = 7;
const MIN_ACTIVITY = 3;

/**
 * How the panel spends its rows: detailed profile blocks when they fit with a few activity lines,
 * else one line per profile, else as many profiles as fit plus a "+N more" line.
 */
export function panelBudget(
  profiles: ProfileView[],
  height: number,
  now: number,
): { compact: boolean; shown: number; activityRows: number } {
  const room = Math.max(0, height - CHROME);
  const detailed = profiles.reduce((n, p) => n + blockHeight(p, now), 0);
  if (detailed + MIN_ACTIVITY <= room) return { compact: false, shown: profiles.length, activityRows: room - detailed };
  if (profiles.length + MIN_ACTIVITY <= room)
    return { compact: true, shown: profiles.length, activityRows: room - profiles.length };
  const shown = Math.max(0, Math.min(profiles.length, room - MIN_ACTIVITY - 1));
  const used = shown + (shown < profiles.length ? 1 : 0);
  return { compact: true, shown, activityRows: Math.max(0, room - used) };
}

/** The live side panel, exactly `height` lines of `width` cells: serving profile, quotas, activity. */
export function panelLines(props: PanelProps): Line[] {
  const { state, theme, width, height, now } = props;
  const g = theme.g;
  const snap = state.snapshot;
  const w = Math.max(1, width - 2); // one column of padding each side
  const serving = servingProfile(snap);
  const totals = poolTotals(snap, now);
  const prefix = props.prefixLabel ?? "^]";
  const { compact, shown, activityRows } = panelBudget(snap.profiles, height, now);
  const nameW = Math.min(
    12,
    Math.max(4, ...snap.profiles.map((p) => p.name.length + (snap.pinned === p.name ? 1 : 0))),
  );

  const body: Line[] = [];
  body.push(
    spread(
      [seg("prodex", { bold: true, hue: hue(theme, "cyan") }), dim(props.title ? ` ${g.dot} ${props.title}` : "")],
      modeTag(snap, theme),
      w,
      g.ellipsis,
    ),
  );
  if (serving) {
    body.push([dim("serving "), seg(serving.name, { bold: true })]);
    body.push([dim([serving.email, serving.plan].filter(Boolean).join(` ${g.dot} `))]);
  } else {
    body.push([seg("no profile serving", { hue: hue(theme, "yellow") })]);
    body.push([dim(snap.profiles.length ? "waiting for the first request" : "add one: prodex login <name>")]);
  }
  body.push(rule(w, theme, "profiles"));
  const visible = snap.profiles.slice(0, shown);
  visible.forEach((p, i) => {
    const pinned = snap.pinned === p.name;
    if (compact) body.push(compactLine(p, i, theme, w, now, pinned, nameW));
    else body.push(...profileBlock(p, i, theme, w, now, pinned));
  });
  if (shown < snap.profiles.length) body.push([dim(`  +${snap.profiles.length - shown} more ${g.dot} ${prefix} d`)]);
  body.push(rule(w, theme, "activity"));
  const events = state.events.slice(-activityRows).reverse();
  if (!events.length && activityRows > 0) body.push([dim("no activity yet")]);
  for (const e of events) body.push(eventLine(e, theme, w));
  while (body.length < height - 2) body.push([]);
  body.push([
    dim(
      `${fmtCount(totals.requests)} req ${g.dot} ${fmtCount(totals.errors)} err ${g.dot} ${fmtLatency(totals.latencyMs)} median`,
    ),
  ]);
  body.push(
    props.hint
      ? [seg(props.hint, { hue: hue(theme, "cyan") })]
      : [dim(`${prefix} ? keys ${g.dot} ${prefix} d pool view`)],
  );
  return body.slice(0, height).map((l) => [plain(" "), ...fit(l, w, g.ellipsis), plain(width > w + 1 ? " " : "")]);
}
