import type { PoolEvent, PoolSnapshot, UsageWindow } from "@prodex/core/types";
// Cells come from the quota row model (core quota-row.ts): the same percent and reset as `prodex quota` in a pipe;
// status words from core's availability (pool/account-status.ts), as `prodex quota` and the proxy's errors say them.
import { type AccountStatus, quotaCell } from "@prodex/core";
import { hue, type Hue, type Theme } from "../env/theme.ts";
import { barParts, fmtClock, fmtPct } from "../format/format.ts";
import { asciiText, dim, fit, padEndText, padStartText, seg, type Line } from "./lines.ts";

/** Bar colour by how full the window is, so each window reads on its own. */
export function pctHue(pct: number): Hue {
  if (pct >= 90) return "red";
  if (pct >= 70) return "yellow";
  return "green";
}

/** The glyph before a status: its quota's when it can serve, else why it cannot. */
export function statusGlyph(s: AccountStatus, theme: Theme): string {
  switch (s.state) {
    case "ready":
      return theme.g.status[s.quota];
    case "needs-login":
      return theme.ascii ? "!" : "✗";
    case "resting":
      return theme.ascii ? "||" : "⊘";
    case "paused":
      return theme.ascii ? "=" : "‖";
    case "quota":
      return theme.g.status.exhausted;
    case "unknown":
      return theme.g.status.unknown;
  }
}

/** "● Ready", "✗ Needs login", "⊘ Resting"… padded to `width`. */
export function badge(s: AccountStatus, theme: Theme, width = 0): Line {
  return [
    seg(padEndText(`${statusGlyph(s, theme)} ${s.label}`, width), { hue: hue(theme, s.tone), bold: s.tone === "red" }),
  ];
}

export function bar(pct: number, width: number, theme: Theme): Line {
  const { filled, track } = barParts(pct, width, theme.g);
  return [seg(filled, { hue: hue(theme, pctHue(pct)) }), dim(track)];
}

const shortLabel = (w: UsageWindow) => (w.label === "weekly" ? "wk" : w.label === "5h" ? "5h" : w.limit.slice(0, 2));

/** "5h ██████░░░░  62%  2h 13m" in exactly `width` cells. */
export function windowLine(w: UsageWindow, width: number, theme: Theme, now: number, label?: string): Line {
  const c = quotaCell(w, now);
  const lab = padEndText(label ?? shortLabel(w), 3);
  const pct = padStartText(fmtPct(c.usedPercent), 5);
  const reset = padStartText(c.reset || theme.g.none, 8);
  const barW = Math.max(3, width - 3 - 5 - 8);
  return fit(
    [dim(lab), ...bar(c.usedPercent, barW, theme), seg(pct, { bold: c.usedPercent >= 90 }), dim(reset)],
    width,
    theme.g.ellipsis,
  );
}

/** Bar + percent + reset, for table cells: exactly barW + 13 cells. */
export function windowCell(w: UsageWindow | undefined, barW: number, theme: Theme, now: number): Line {
  if (!w) return [dim(padEndText(theme.g.none, barW + 13))];
  const c = quotaCell(w, now);
  return [
    ...bar(c.usedPercent, barW, theme),
    seg(padStartText(fmtPct(c.usedPercent), 5), { bold: c.usedPercent >= 90 }),
    dim(padStartText(c.reset || theme.g.none, 8)),
  ];
}

type KindLook = { icon: string; ascii: string; hue?: Hue };

const looks: Record<PoolEvent["kind"], KindLook> = {
  "quota.fetched": { icon: "%", ascii: "%" },
  "quota.failed": { icon: "%", ascii: "%", hue: "yellow" },
  "profile.selected": { icon: "▸", ascii: ">", hue: "cyan" },
  rotation: { icon: "⇄", ascii: "<>", hue: "cyan" },
  backoff: { icon: "⊘", ascii: "||", hue: "yellow" },
  "backoff.cleared": { icon: "✓", ascii: "ok", hue: "green" },
  "token.refreshed": { icon: "↻", ascii: "@", hue: "green" },
  "token.refresh_failed": { icon: "↻", ascii: "@", hue: "red" },
  "auth.needs_login": { icon: "!", ascii: "!", hue: "red" },
  "request.completed": { icon: "·", ascii: "." },
  "request.failed": { icon: "✗", ascii: "x", hue: "red" },
  "continuation.stale": { icon: "↯", ascii: "~", hue: "yellow" },
  "proxy.started": { icon: "◉", ascii: "*", hue: "green" },
  "proxy.stopped": { icon: "◎", ascii: "*", hue: "yellow" },
  control: { icon: "»", ascii: ">>", hue: "magenta" },
  error: { icon: "✗", ascii: "x", hue: "red" },
  audit: { icon: "§", ascii: "$", hue: "magenta" },
  "key.limited": { icon: "⊘", ascii: "||", hue: "yellow" },
};

export function eventLook(e: PoolEvent, theme: Theme): { icon: string; hue: Hue | undefined; quiet: boolean } {
  const l = looks[e.kind] ?? { icon: "·", ascii: "." };
  const levelHue: Hue | undefined = e.level === "error" ? "red" : e.level === "warn" ? "yellow" : undefined;
  return {
    icon: theme.ascii ? l.ascii : l.icon,
    hue: hue(theme, levelHue ?? l.hue),
    // Routine traffic stays in the background so rotations and failures stand out.
    quiet: e.kind === "request.completed" || e.kind === "quota.fetched",
  };
}

/** One event on one line: "12:04 ⇄ backup → work: 5h limit", exactly `width` cells. */
export function eventLine(
  e: PoolEvent,
  theme: Theme,
  width: number,
  opts: { seconds?: boolean; kind?: boolean } = {},
): Line {
  const look = eventLook(e, theme);
  const clock = opts.seconds ? fmtClock(e.at) : fmtClock(e.at).slice(0, 5);
  const line: Line = [
    dim(`${clock} `),
    seg(`${padEndText(look.icon, theme.ascii ? 2 : 1)} `, { hue: look.hue, bold: e.kind === "rotation" }),
  ];
  if (opts.kind)
    line.push(
      dim(`${padEndText(e.kind, 20)} `),
      seg(`${padEndText(e.profile ?? "", 10)} `, { hue: hue(theme, "cyan") }),
    );
  const msg = theme.ascii ? asciiText(e.message) : e.message;
  line.push(look.quiet ? dim(msg) : seg(msg, { hue: look.hue }));
  return fit(line, width, theme.g.ellipsis);
}

/** A dim rule across `width`, optionally titled: "─ profiles ─────". */
export function rule(width: number, theme: Theme, title?: string): Line {
  const t = title ? `${theme.g.rule} ${title} ` : "";
  return fit([dim(t + theme.g.rule.repeat(Math.max(0, width - Bun.stringWidth(t))))], width, theme.g.ellipsis);
}

/** "auto" / "paused" / "◆ pinned". */
export function modeTag(s: PoolSnapshot, theme: Theme): Line {
  if (s.pinned) return [seg(`${theme.g.pinned} pinned`, { hue: hue(theme, "magenta") })];
  if (!s.autoRotate) return [seg("paused", { hue: hue(theme, "yellow") })];
  return [seg("auto", { hue: hue(theme, "green") })];
}
