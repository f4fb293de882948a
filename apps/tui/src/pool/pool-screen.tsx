/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { useCallback, useState } from "react";
import { useApp, useInput } from "ink";
import type { PoolFeed } from "@prodex/core/types";
import type { Theme } from "../env/theme.ts";
import { useFeedUsage } from "../feed/use-feed-usage.ts";
import { timeSignature, useNotice, useNow, usePoolFeed } from "../feed/use-pool-feed.ts";
import { FullScreen, PoolView, UsageView } from "../ui/components.tsx";
import { fromInkAll } from "../wrap/ink-key.ts";
import { initialPoolView, poolKey } from "./pool-controller.ts";

/** `prodex dashboard`: the pool view alone (or, `t`, the usage view), full screen, live from the feed, until q / Esc / Ctrl-C. */
export function PoolScreen(props: { feed: PoolFeed; theme: Theme; cols: number; rows: number }) {
  const { feed, theme } = props;
  const { exit } = useApp();
  const { cols: columns, rows } = props;
  const state = usePoolFeed(feed);
  const [view, setView] = useState(initialPoolView);
  const [notice, say] = useNotice();
  const usage = useFeedUsage(feed, view.usage);
  const now = useNow(useCallback((t: number) => timeSignature(state, t, { clock: true }), [state]));
  const act = (p: Promise<void>, ok: string) =>
    p.then(
      () => say(ok),
      (err: unknown) => say(`failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  useInput((input, key) => {
    let v = view;
    for (const k of fromInkAll(input, key)) {
      const r = poolKey(v, k, state.snapshot);
      v = r.view;
      const a = r.action;
      if (a?.type === "close") return exit();
      if (a?.type === "pin") act(feed.pin(a.profile), a.profile ? `pinned ${a.profile}` : "unpinned");
      if (a?.type === "autoRotate")
        act(feed.setAutoRotate(a.enabled), a.enabled ? "auto-rotate resumed" : "auto-rotate paused");
    }
    setView(v);
  });
  if (view.usage)
    return (
      <FullScreen>
        <UsageView
          summary={usage}
          period={view.period}
          theme={theme}
          width={columns}
          height={rows}
          now={now}
          standalone
          notice={notice}
        />
      </FullScreen>
    );
  return (
    <FullScreen>
      <PoolView
        state={state}
        view={view}
        theme={theme}
        width={columns}
        height={rows}
        now={now}
        standalone
        notice={notice}
      />
    </FullScreen>
  );
}
