import { QUOTA_HEADERS, type StatusTone, accountStatus } from "@prodex/core";
import type { ProfileView } from "@prodex/core/types";
import { hue, makeTheme, type Theme } from "../env/theme.ts";
import { fmtCount, fmtLatency, truncate } from "../format/format.ts";
import { mainWindows } from "../feed/pool-state.ts";
import { dim, fit, padEndText, padStartText, plain, seg, type Line } from "./lines.ts";
import { badge, windowCell } from "./parts.ts";

export type QuotaTableProps = {
  profiles: ProfileView[];
  /** Adds plan, traffic, latency, email and notes. */
  detail?: boolean;
  ascii?: boolean;
  color?: boolean;
  /** Row to highlight (pool view). */
  selected?: number;
  /** Show each row's number (the pin key). */
  numbered?: boolean;
  pinned?: string | null;
  now?: number;
  /** Total width available; bars take what is left. */
  width?: number;
  theme?: Theme;
};

// "✗ Needs login" and a gap.
const STATUS_W = 14;

function note(p: ProfileView, now: number): { text: string; tone: StatusTone | undefined } {
  const s = accountStatus(p, now);
  if (s.state === "needs-login") return { text: `needs login: prodex login ${p.name}`, tone: "red" };
  if (s.note !== null) return { text: s.note, tone: s.tone };
  if (p.fetchedAt === null) return { text: "never checked", tone: undefined };
  return { text: "", tone: undefined };
}

/** The table as styled lines: a header and one row per profile, each exactly `width` cells. */
export function quotaTableLines(props: QuotaTableProps): Line[] {
  const theme = props.theme ?? makeTheme({ ascii: props.ascii, color: props.color });
  const g = theme.g;
  const now = props.now ?? Date.now();
  const width = props.width ?? 100;
  const numW = props.numbered ? 2 : 0;
  // At least "PROFILE" and its gap, so short names never glue the header together.
  const nameW = Math.min(20, Math.max(9, ...props.profiles.map((p) => p.name.length + 2))) + numW;
  const detailW = props.detail ? 6 + 6 + 5 + 8 + 2 : 0;
  // marker 2 + name + status + two window cells (bar + 13, + 1 gap each)
  const barW = Math.max(4, Math.min(20, Math.floor((width - 2 - nameW - STATUS_W - detailW - 28 - 8) / 2)));
  const winW = barW + 13;
  const restW = Math.max(0, width - (2 + nameW + STATUS_W + 2 * (winW + 1) + detailW));
  const header: Line = [
    seg(
      [
        "  ",
        padEndText("PROFILE", nameW),
        padEndText("STATUS", STATUS_W),
        padEndText(QUOTA_HEADERS.fiveHour, winW + 1),
        padEndText(QUOTA_HEADERS.weekly, winW + 1),
      ].join(""),
      { bold: true },
    ),
    seg(
      props.detail
        ? [
            padEndText("PLAN", 6),
            padStartText("REQS", 6),
            padStartText("ERR", 5),
            padStartText("LAT", 8),
            restW > 5 ? "  EMAIL / NOTE" : "  ",
          ].join("")
        : "",
      { bold: true },
    ),
  ];
  const lines: Line[] = [header];
  if (!props.profiles.length) lines.push([dim("  no profiles yet: prodex login <name>")]);
  props.profiles.forEach((p, i) => {
    const { primary, weekly } = mainWindows(p);
    const sel = props.selected === i;
    const pin = props.pinned === p.name ? g.pinned : "";
    const name = truncate(p.name, nameW - numW - 1 - (pin ? 1 : 0), g.ellipsis);
    const row: Line = [
      seg(sel ? (theme.ascii ? ">" : "›") : p.current ? g.current : " ", {
        hue: hue(theme, "cyan"),
        bold: true,
        inverse: sel,
      }),
      plain(" "),
      dim(props.numbered ? (i < 9 ? `${i + 1} ` : "  ") : ""),
      seg(name, { bold: p.current || sel, inverse: sel }),
      seg(pin, { hue: hue(theme, "magenta") }),
      plain(" ".repeat(Math.max(0, nameW - numW - Bun.stringWidth(name + pin)))),
      ...badge(accountStatus(p, now), theme, STATUS_W),
      ...windowCell(primary, barW, theme, now),
      plain(" "),
      ...windowCell(weekly, barW, theme, now),
      plain(" "),
    ];
    if (props.detail) {
      const n = note(p, now);
      row.push(
        dim(padEndText(truncate(p.plan ?? g.none, 5, g.ellipsis), 6)),
        plain(padStartText(fmtCount(p.requests), 6)),
        p.errors ? seg(padStartText(fmtCount(p.errors), 5), { hue: hue(theme, "red") }) : dim(padStartText("0", 5)),
        plain(padStartText(p.latencyMs === null ? g.none : fmtLatency(p.latencyMs), 8)),
        plain("  "),
        n.tone ? seg(n.text, { hue: hue(theme, n.tone) }) : dim(n.text || p.email || ""),
      );
    }
    lines.push(row);
  });
  return lines.map((l) => fit(l, width, g.ellipsis));
}
