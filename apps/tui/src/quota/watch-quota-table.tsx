/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { useEffect, useState } from "react";
import { Box, render, Text, useWindowSize } from "ink";
import type { ProfileView } from "@prodex/core/types";
import { detectTheme, type Theme } from "../env/theme.ts";
import { enableStyles, QuotaTable } from "../ui/components.tsx";
import type { TtyOutput } from "../wrap/terminal-host.ts";

export type QuotaReading = {
  profiles: ProfileView[];
  /** One line per profile that could not be read, fitted to `width` cells. */
  failures(width: number): string[];
  now: number;
};

export type QuotaWatchOptions = {
  /** Reads every profile's quota once. */
  refresh(): Promise<QuotaReading>;
  detail?: boolean;
  /** For NO_COLOR / TERM / locale. */
  env: Record<string, string | undefined>;
  intervalMs?: number;
  stdout?: TtyOutput;
};

/** `prodex quota` on a terminal: the table, read again every few seconds, drawn in place. */
export function QuotaWatch(props: { reading: QuotaReading; detail: boolean; theme: Theme; intervalMs: number }) {
  const { reading, theme } = props;
  const { columns } = useWindowSize();
  const width = Math.max(40, columns);
  return (
    <Box flexDirection="column" width={width}>
      <QuotaTable profiles={reading.profiles} detail={props.detail} theme={theme} now={reading.now} width={width} />
      {reading.failures(width).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>{`refreshing every ${Math.round(props.intervalMs / 1000)}s — Ctrl-C to quit`}</Text>
    </Box>
  );
}

function Live(props: {
  first: QuotaReading;
  refresh(): Promise<QuotaReading>;
  detail: boolean;
  theme: Theme;
  intervalMs: number;
  onError(err: unknown): void;
}) {
  const [reading, setReading] = useState(props.first);
  const { refresh, intervalMs, onError } = props;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let live = true;
    const next = () => {
      timer = setTimeout(() => {
        refresh().then((r) => {
          if (!live) return;
          setReading(r);
          next();
        }, onError);
      }, intervalMs);
    };
    next();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [refresh, intervalMs, onError]);
  return <QuotaWatch reading={reading} detail={props.detail} theme={props.theme} intervalMs={intervalMs} />;
}

/**
 * Draws the live table until Ctrl-C (SIGINT), SIGTERM or SIGHUP, and resolves with that signal;
 * the last table stays on the terminal.
 */
export async function watchQuotaTable(opts: QuotaWatchOptions): Promise<NodeJS.Signals> {
  const theme = detectTheme(opts.env);
  const intervalMs = opts.intervalMs ?? 5000;
  const first = await opts.refresh();
  enableStyles();
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const app = render(
    <Live
      first={first}
      refresh={opts.refresh}
      detail={opts.detail ?? false}
      theme={theme}
      intervalMs={intervalMs}
      onError={(e) => fail(e)}
    />,
    {
      stdout: (opts.stdout ?? process.stdout) as NodeJS.WriteStream,
      interactive: true,
      incrementalRendering: true,
      patchConsole: false,
      exitOnCtrlC: false,
    },
  );
  let signal: NodeJS.Signals = "SIGINT";
  const stop = (s: NodeJS.Signals) => {
    signal = s;
    app.unmount();
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, stop);
  try {
    await Promise.race([app.waitUntilExit(), failed]);
    return signal;
  } finally {
    app.unmount();
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, stop);
  }
}
