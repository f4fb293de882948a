/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React from "react";
import type { PoolFeed, TeamFeed } from "@prodex/core/types";
import { detectTheme } from "../env/theme.ts";
import { enableStyles } from "../ui/components.tsx";
import { renderFullScreen } from "../ui/render-full-screen.tsx";
import type { TtyInput, TtyOutput } from "../wrap/terminal-host.ts";
import { PoolScreen } from "./pool-screen.tsx";

export type PoolViewOptions = {
  feed: PoolFeed;
  /** `--gateway URL`: the same feed as a team's (instances, top keys, key revocation). */
  team?: TeamFeed;
  stdout?: TtyOutput;
  stdin?: TtyInput;
  /** For NO_COLOR / TERM / locale; defaults to process.env. */
  env?: Record<string, string | undefined>;
};

const QUIT_SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGHUP"];

/** `prodex dashboard`: the pool view alone, full screen, until q / Esc / Ctrl-C. The feed stays open. */
export async function runPoolView(opts: PoolViewOptions): Promise<void> {
  const theme = detectTheme(opts.env ?? process.env);
  enableStyles();
  // Ctrl-C quits like q: the pool view reads it as a key.
  const app = renderFullScreen((size) => <PoolScreen {...size} feed={opts.feed} team={opts.team} theme={theme} />, {
    stdout: opts.stdout ?? process.stdout,
    stdin: (opts.stdin ?? process.stdin) as NodeJS.ReadStream,
  });
  const stop = () => app.unmount();
  for (const s of QUIT_SIGNALS) process.on(s, stop);
  try {
    await app.waitUntilExit();
  } finally {
    app.unmount();
    for (const s of QUIT_SIGNALS) process.off(s, stop);
  }
}
