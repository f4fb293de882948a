import { byUse, periodTotals } from "@prodex/core";
import type {
  InstancesAnswer,
  PoolSnapshot,
  TeamInstance,
  TeamLink,
  UsagePeriod,
  UsageSummary,
  Whoami,
} from "@prodex/core/types";
import { hue, type Theme } from "../env/theme.ts";
import { fmtDuration, truncate } from "../format/format.ts";
import { dim, fit, padEndText, plain, seg, type Line } from "./lines.ts";
import { modeTag, rule } from "./parts.ts";
import { PERIOD_LABEL } from "./usage-view.ts";
import { usageTableLines } from "./usage-table.ts";

// The team dashboard's own rows, drawn inside the pool view (between the accounts and the events): every gateway
// instance with its health, and the top keys by usage over the last hour and day (the usage view's table).

/** A heartbeat older than this is late (instances beat every 5 s; the registry drops them after 15 s). */
export const LATE_BEAT_MS = 10_000;

export type InstanceHealth = { word: "ready" | "late" | "not ready"; why: string | null };

/** What an instance's row says about it: ready, a late heartbeat, or not ready and why (its own words). */
export function instanceHealth(i: TeamInstance, at: number): InstanceHealth {
  if (i.notReady) return { word: "not ready", why: i.notReady };
  if (at - i.heartbeatAt > LATE_BEAT_MS)
    return { word: "late", why: `no heartbeat for ${fmtDuration(at - i.heartbeatAt)}` };
  return { word: "ready", why: null };
}

/** The keys in the order the last day's table lists them: what `[` / `]` move over and `x` revokes. */
export function teamKeyNames(summary: UsageSummary | null): string[] {
  return [...(periodTotals(summary, "24h")?.by.key ?? [])].sort(byUse).map((r) => r.group);
}

export type TeamSectionsProps = {
  instances: InstancesAnswer | null;
  topKeys: UsageSummary | null;
  /** The instance this dashboard is attached to. */
  attached: string;
  selectedKey: number;
  theme: Theme;
  width: number;
  /** At most this many lines. */
  height: number;
};

function instanceLine(i: TeamInstance, at: number, attached: string, theme: Theme, width: number): Line {
  const h = instanceHealth(i, at);
  const tone = h.word === "ready" ? "green" : h.word === "late" ? "yellow" : "red";
  const g = theme.g;
  return fit(
    [
      seg(` ${i.id === attached ? g.current : " "} `, { hue: hue(theme, "cyan") }),
      plain(padEndText(truncate(i.id, 12, g.ellipsis), 13)),
      seg(padEndText(h.word, 10), { hue: hue(theme, tone), bold: h.word !== "ready" }),
      dim(`beat ${fmtDuration(Math.max(0, at - i.heartbeatAt))} ago ${g.dot} v${i.version} ${g.dot} ${i.url}`),
      ...(h.why ? [seg(` ${g.dot} ${h.why}`, { hue: hue(theme, tone) })] : []),
    ],
    width,
    g.ellipsis,
  );
}

function keysTable(p: TeamSectionsProps, period: UsagePeriod, height: number, selected?: number): Line[] {
  if (height <= 0) return [];
  const totals = periodTotals(p.topKeys, period);
  const out: Line[] = [rule(p.width, p.theme, `top keys ${p.theme.g.dot} ${PERIOD_LABEL[period]}`)];
  if (!totals) return height > 1 ? [...out, [dim(" reading the usage ledger…")]] : out;
  out.push(
    ...usageTableLines({
      rows: totals.by.key ?? [],
      label: "KEY",
      theme: p.theme,
      width: p.width,
      height: height - 1,
      total: totals.total,
      selected,
    }),
  );
  return out;
}

/** The instances and the top keys in at most `height` lines: instances first, the rest shared by the two tables. */
export function teamSectionLines(p: TeamSectionsProps): Line[] {
  const list = p.instances?.instances ?? [];
  const at = p.instances?.at ?? 0;
  const instanceRows = Math.min(Math.max(1, list.length), Math.max(0, Math.floor(p.height / 3) - 1));
  const out: Line[] = [rule(p.width, p.theme, `instances ${p.theme.g.dot} ${list.length}`)];
  if (!p.instances) out.push([dim(" reading the registry…")]);
  else if (list.length === 0) out.push([dim(" no instance registered")]);
  // The attached instance first, then the others as registered; what does not fit is counted, with how many ail.
  const ordered = [...list.filter((i) => i.id === p.attached), ...list.filter((i) => i.id !== p.attached)];
  const shown = ordered.length > instanceRows ? Math.max(0, instanceRows - 1) : ordered.length;
  for (const i of ordered.slice(0, shown)) out.push(instanceLine(i, at, p.attached, p.theme, p.width));
  const rest = ordered.slice(shown);
  if (rest.length && instanceRows > 0) {
    const ailing = rest.filter((i) => instanceHealth(i, at).word !== "ready").length;
    out.push([
      dim(`   +${rest.length} more`),
      ...(ailing ? [seg(` (${ailing} not ready or late)`, { hue: hue(p.theme, "red") })] : []),
    ]);
  }
  const left = Math.max(0, p.height - out.length);
  const hour = Math.floor(left / 2);
  out.push(...keysTable(p, "1h", hour), ...keysTable(p, "24h", left - hour, p.selectedKey));
  return out.slice(0, p.height);
}

/** Lines the team sections get on a `rows`-line screen: what the pool view's own parts leave, up to 18. */
export function teamSectionsHeight(rows: number, profiles: number): number {
  return Math.max(0, Math.min(18, rows - profiles - 10));
}

/** The key hints: an admin key's (pin, pause and revoke act on the whole pool), or a viewer's read-only line. */
export function teamFooter(who: Pick<Whoami, "role" | "name">, theme: Theme): Line {
  const g = theme.g;
  const move = theme.ascii ? "up/down" : "↑↓";
  if (who.role !== "admin")
    return [
      dim(` ${who.role} key ${who.name}: read-only (pin, pause and revoke need an admin key) ${g.dot} `),
      dim(`${move} select ${g.dot} f level ${g.dot} / search ${g.dot} q quit`),
    ];
  const keys = [
    "p pin",
    "u unpin",
    "s pause account",
    "a pause rotation",
    "[ ] key",
    "x revoke",
    "f level",
    "/ search",
    "q quit",
  ];
  return [dim(` ${move} account ${g.dot} ${keys.join(` ${g.dot} `)}`)];
}

/**
 * The team view's headline after its title: the shared pool's accounts and its rotation mode (pool-wide), the
 * instance this dashboard reads through (its counters are that instance's; the ledger below is everyone's), and,
 * when the gateway stopped answering, for how long and why: what is on screen is that old.
 */
export function teamSummary(snap: PoolSnapshot, attached: string, theme: Theme, link?: TeamLink, now = 0): Line {
  const g = theme.g;
  const out: Line = [
    dim(` ${g.dot} ${snap.profiles.length} accounts ${g.dot} `),
    ...modeTag(snap, theme),
    ...(snap.pinned ? [seg(` ${snap.pinned}`, { hue: hue(theme, "magenta") })] : []),
    dim(` ${g.dot} via ${attached}`),
  ];
  if (link?.failure)
    out.push(
      seg(` ${g.dot} gateway: last read ${fmtDuration(Math.max(0, now - link.lastAnswer))} ago (${link.failure})`, {
        hue: hue(theme, "red"),
        bold: true,
      }),
    );
  return out;
}
