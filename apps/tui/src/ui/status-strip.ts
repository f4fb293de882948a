import { accountStatus } from "@prodex/core";
import { hue, type Theme } from "../env/theme.ts";
import { fmtAgo, fmtPct, fmtReset } from "../format/format.ts";
import { mainWindows, poolTotals, servingProfile, type PoolState } from "../feed/pool-state.ts";
import { dim, fit, plain, seg, type Line } from "./lines.ts";
import { badge, modeTag } from "./parts.ts";

export type StripProps = {
  state: PoolState;
  theme: Theme;
  width: number;
  now: number;
  title?: string;
  hint?: string;
  prefixLabel?: string;
};

/** The one-line pool summary used when the terminal is too narrow for the side panel. */
export function stripLine(props: StripProps): Line {
  const { state, theme, width, now } = props;
  const g = theme.g;
  const snap = state.snapshot;
  const sep = dim(` ${g.sep} `);
  const head = seg("prodex ", { bold: true, hue: hue(theme, "cyan") });
  if (props.hint) return fit([head, seg(props.hint, { hue: hue(theme, "cyan") })], width, g.ellipsis);
  const serving = servingProfile(snap);
  const totals = poolTotals(snap, now);
  const line: Line = [head];
  if (serving) {
    const w = mainWindows(serving);
    line.push(seg(`${g.current} ${serving.name} `, { bold: true }), ...badge(accountStatus(serving, now), theme));
    if (w.primary) line.push(dim(` 5h ${fmtPct(w.primary.usedPercent)} ${fmtReset(w.primary.resetAt, now, g.none)}`));
    if (w.weekly) line.push(dim(` ${g.dot} wk ${fmtPct(w.weekly.usedPercent)}`));
  } else line.push(seg("no profile serving", { hue: hue(theme, "yellow") }));
  line.push(plain(" "), ...modeTag(snap, theme));
  const rot = state.lastRotation;
  if (rot)
    line.push(
      sep,
      seg(theme.ascii ? "<> " : "⇄ ", { hue: hue(theme, "cyan") }),
      plain(rot.message),
      dim(` ${fmtAgo(rot.at, now)}`),
    );
  const out = snap.profiles.length - totals.counts.ready;
  line.push(sep, seg(`${totals.counts.ready} ready`, { hue: hue(theme, "green") }));
  if (out) line.push(seg(` ${out} out`, { hue: hue(theme, "red") }));
  line.push(sep, dim(`${props.prefixLabel ?? "^]"} ? keys`));
  return fit(line, width, g.ellipsis);
}
