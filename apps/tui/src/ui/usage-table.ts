import { byUse, sumTotals } from "@prodex/core";
import type { LedgerTotal, UsageTotal } from "@prodex/core/types";
import { hue, type Theme } from "../env/theme.ts";
import { barParts, fmtCount, truncate } from "../format/format.ts";
import { dim, fit, padEndText, padStartText, plain, seg, type Line, type Seg } from "./lines.ts";

// One usage table: a row per profile, model or key — requests, tokens, its share of the total and, when the
// source estimated them, the points of its account's 5-hour and weekly windows it used. The local usage view
// stacks two (profiles, models); the team dashboard shows one for its top keys.

export type UsageTableProps = {
  rows: readonly UsageTotal[];
  /** Column title of the labels: "PROFILE", "MODEL", "KEY". */
  label: string;
  theme: Theme;
  width: number;
  /** At most this many lines, the header included; rows that do not fit are summed up in a last line. */
  height: number;
  /** What the shares are of (default: the rows' own sum). */
  total?: LedgerTotal;
  /** Index (in use order) of the row to mark, e.g. the key a team dashboard acts on. */
  selected?: number;
};

/** A row's part of the total, 0..1: of the tokens, or of the requests when nothing counted tokens. */
export function shareOf(row: LedgerTotal, total: LedgerTotal): number {
  if (total.totalTokens > 0) return row.totalTokens / total.totalTokens;
  return total.requests > 0 ? row.requests / total.requests : 0;
}

/** "42%", "<1%" for a sliver that is not nothing, "0%". */
export function fmtShare(share: number): string {
  if (share > 0 && share < 0.005) return "<1%";
  return `${Math.round(Math.min(1, Math.max(0, share)) * 100)}%`;
}

type ColumnId = "req" | "err" | "input" | "cached" | "output" | "reasoning" | "bar" | "share" | "5h" | "wk";

type Cell = (row: UsageTotal, share: number) => Seg[];

type Column = { id: ColumnId; title: string; width: number; cell: Cell };

const count = (n: number, w: number, theme: Theme, alarm = false): Seg[] => {
  const text = padStartText(fmtCount(n), w);
  if (n === 0) return [dim(text)];
  return [seg(text, { hue: alarm ? hue(theme, "red") : undefined })];
};

const points = (p: number | null | undefined, w: number, theme: Theme): Seg[] =>
  p === null || p === undefined
    ? [dim(padStartText(theme.g.none, w))]
    : [plain(padStartText(p > 0 && p < 0.5 ? "<1" : String(Math.round(p)), w))];

// Left to right as drawn; `keep` is the order columns give way in on a narrow terminal (last goes first).
const keep: ColumnId[] = ["share", "req", "input", "output", "wk", "5h", "err", "cached", "reasoning", "bar"];

function columns(theme: Theme, windows: boolean, barW: number): Column[] {
  const cols: Column[] = [
    { id: "req", title: "REQ", width: 7, cell: (r) => count(r.requests, 7, theme) },
    { id: "err", title: "ERR", width: 5, cell: (r) => count(r.errors, 5, theme, true) },
    { id: "input", title: "INPUT", width: 8, cell: (r) => count(r.inputTokens, 8, theme) },
    { id: "cached", title: "CACHED", width: 8, cell: (r) => count(r.cachedTokens, 8, theme) },
    { id: "output", title: "OUTPUT", width: 8, cell: (r) => count(r.outputTokens, 8, theme) },
    { id: "reasoning", title: "REASONING", width: 11, cell: (r) => count(r.reasoningTokens, 11, theme) },
    {
      id: "bar",
      title: "",
      width: barW + 2,
      cell: (_r, share) => {
        const { filled, track } = barParts(share * 100, barW, theme.g);
        return [plain("  "), seg(filled, { hue: hue(theme, "cyan") }), dim(track)];
      },
    },
    { id: "share", title: "SHARE", width: 6, cell: (_r, share) => [seg(padStartText(fmtShare(share), 6))] },
  ];
  if (windows)
    cols.push(
      { id: "5h", title: "5H PTS", width: 7, cell: (r) => points(r.windows?.["5h"], 7, theme) },
      { id: "wk", title: "WK PTS", width: 7, cell: (r) => points(r.windows?.weekly, 7, theme) },
    );
  return cols;
}

const MIN_LABEL = 10;
const MAX_LABEL = 32;

/** The columns that fit beside a label of at least MIN_LABEL cells, in drawing order. */
function fitting(all: Column[], width: number): Column[] {
  const shown = new Set(all.map((c) => c.id));
  const used = () => all.reduce((n, c) => n + (shown.has(c.id) ? c.width : 0), 0);
  for (let i = keep.length - 1; i >= 0 && 2 + MIN_LABEL + used() > width; i--) shown.delete(keep[i] as ColumnId);
  return all.filter((c) => shown.has(c.id));
}

/** The table as styled lines, each exactly `width` cells: a header, the rows by use, and what did not fit. */
export function usageTableLines(props: UsageTableProps): Line[] {
  const { theme, width } = props;
  const g = theme.g;
  const rows = [...props.rows].sort(byUse);
  const total = props.total ?? sumTotals(rows);
  const windows = rows.some((r) => r.windows !== undefined);
  const labelWant = Math.min(MAX_LABEL, Math.max(MIN_LABEL, ...rows.map((r) => Bun.stringWidth(r.group) + 2)));
  const fixed = columns(theme, windows, 0).filter((c) => c.id !== "bar");
  const fixedW = fixed.reduce((n, c) => n + c.width, 0);
  const barW = Math.max(0, Math.min(20, width - 2 - labelWant - fixedW - 2));
  const cols = fitting(
    columns(theme, windows, barW).filter((c) => c.id !== "bar" || barW >= 6),
    width,
  );
  const labelW = Math.max(MIN_LABEL, width - 2 - cols.reduce((n, c) => n + c.width, 0));
  const out: Line[] = [];
  const header = `  ${padEndText(props.label, labelW)}${cols.map((c) => padStartText(c.title, c.width)).join("")}`;
  out.push([seg(header, { bold: true })]);
  const room = Math.max(0, props.height - 1);
  if (!rows.length) {
    if (room > 0) out.push([dim("  nothing in this period")]);
    return out.map((l) => fit(l, width, g.ellipsis));
  }
  const shownRows = rows.length > room ? Math.max(0, room - 1) : rows.length;
  rows.slice(0, shownRows).forEach((row, i) => {
    const share = shareOf(row, total);
    const mark = i === props.selected ? seg(`${g.current} `, { hue: hue(theme, "cyan") }) : plain("  ");
    const name = padEndText(truncate(row.group, labelW - 1, g.ellipsis), labelW);
    out.push([
      mark,
      i === props.selected ? seg(name, { bold: true, hue: hue(theme, "cyan") }) : plain(name),
      ...cols.flatMap((c) => c.cell(row, share)),
    ]);
  });
  const rest = rows.slice(shownRows);
  if (rest.length && room > 0) {
    const more = sumTotals(rest);
    out.push([dim(`  +${rest.length} more ${g.dot} ${fmtShare(shareOf(more, total))} of the total`)]);
  }
  return out.map((l) => fit(l, width, g.ellipsis));
}
