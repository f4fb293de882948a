import type { QuotaStatus } from "@prodex/core/types";
import type { EnvLike } from "./should-use-tui.ts";

export type Glyphs = {
  full: string;
  /** Partial fills for a bar cell, index = eighths filled (0..7). */
  partial: readonly string[];
  track: string;
  sep: string;
  rule: string;
  current: string;
  pinned: string;
  arrow: string;
  dot: string;
  ellipsis: string;
  none: string;
  status: Record<QuotaStatus, string>;
  spark: readonly string[];
};

export type Theme = { color: boolean; ascii: boolean; g: Glyphs };

const unicode: Glyphs = {
  full: "█",
  partial: ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"],
  track: "░",
  sep: "│",
  rule: "─",
  current: "▸",
  pinned: "◆",
  arrow: "→",
  dot: "·",
  ellipsis: "…",
  none: "—",
  status: { ready: "●", thin: "◐", critical: "◔", exhausted: "○", unknown: "?" },
  spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
};

const ascii: Glyphs = {
  full: "#",
  partial: ["", "", "", "", "", "", "", ""],
  track: ".",
  sep: "|",
  rule: "-",
  current: ">",
  pinned: "*",
  arrow: "->",
  dot: "-",
  ellipsis: "~",
  none: "-",
  status: { ready: "+", thin: "~", critical: "!", exhausted: "x", unknown: "?" },
  spark: ["_", ".", "-", "-", "=", "=", "#", "#"],
};

/** Named ANSI colours only: terminals theme them, so they read on dark and light backgrounds. */
export type Hue = "green" | "yellow" | "red" | "cyan" | "magenta" | "blue" | "gray";

function utf8Locale(env: EnvLike): boolean {
  const lc = env.LC_ALL || env.LC_CTYPE || env.LANG;
  // No locale at all is common in containers whose terminals are UTF-8 anyway.
  if (!lc) return true;
  return /utf-?8/i.test(lc);
}

export function detectTheme(env: EnvLike): Theme {
  const dumb = env.TERM === "dumb";
  const noColor = (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.FORCE_COLOR === "0";
  const useAscii = dumb || env.PRODEX_ASCII === "1" || !utf8Locale(env);
  return makeTheme({ color: !dumb && !noColor, ascii: useAscii });
}

export function makeTheme(opts: { color?: boolean; ascii?: boolean } = {}): Theme {
  const isAscii = opts.ascii ?? false;
  return { color: opts.color ?? true, ascii: isAscii, g: isAscii ? ascii : unicode };
}

/** The colour to pass to Ink, or undefined when colour is off (NO_COLOR). */
export function hue(theme: Theme, h: Hue | undefined): Hue | undefined {
  return theme.color ? h : undefined;
}
