/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { useCallback, useEffect, useEffectEvent, useLayoutEffect, useMemo, useState } from "react";
import { Box, Text, useInput } from "ink";
import type { PoolFeed } from "@prodex/core/types";
import { hue, type Theme } from "../env/theme.ts";
import { useFeedUsage } from "../feed/use-feed-usage.ts";
import { timeSignature, useNotice, useNow, usePoolFeed } from "../feed/use-pool-feed.ts";
import { AgentPane } from "../pane/agent-pane.tsx";
import type { PaneSource } from "../pane/pane-source.ts";
import { poolActionCall } from "../pool/pool-action.ts";
import { initialPoolView, poolKey } from "../pool/pool-controller.ts";
import {
  ConfirmBox,
  Divider,
  FullScreen,
  HelpOverlay,
  PoolScreenView,
  SidePanel,
  StatusStrip,
} from "../ui/components.tsx";
import { fromInkAll } from "./ink-key.ts";
import type { WrapCommand } from "./input-router.ts";
import { prefixLabel, prefixShort } from "./keys.ts";
import { scrollStep } from "./scroll-keys.ts";
import { computeLayout, cyclePanel, MAX_PANEL_COLS, MIN_PANEL_COLS, type PanelMode } from "./layout.ts";
import type { WrapBus } from "./wrap-bus.ts";

export type WrapMode = "agent" | "pool" | "help" | "scroll" | "confirm";

export type WrapScreenProps = {
  /** The terminal's size. */
  cols: number;
  rows: number;
  pane: PaneSource;
  feed: PoolFeed;
  theme: Theme;
  prefix: number;
  title?: string;
  bus: WrapBus;
  /** The pane's size changed: resize the agent's pseudo-terminal. */
  onPaneSize(cols: number, rows: number): void;
  onQuit(): void;
};

/** The wrapper's screen: agent pane + side panel (or strip), overlays, and the full pool view. */
export function WrapScreen(props: WrapScreenProps) {
  const { theme, feed, title, pane } = props;
  const { cols: columns, rows } = props;
  const pool = usePoolFeed(feed);
  const [mode, setMode] = useState<WrapMode>("agent");
  const [pref, setPref] = useState<PanelMode>("side");
  const [panelWidth, setPanelWidth] = useState<number | null>(null);
  const [poolView, setPoolView] = useState(initialPoolView);
  const usage = useFeedUsage(feed, mode === "pool" && poolView.usage);
  const [scrollTop, setScrollTop] = useState(0);
  const [armed, setArmed] = useState(false);
  const [notice, say] = useNotice();
  const layout = useMemo(() => computeLayout(columns, rows, pref, panelWidth), [columns, rows, pref, panelWidth]);
  const signature = useCallback(
    (t: number) => timeSignature(pool, t, { clock: mode === "pool", rotationAge: layout.strip !== null }),
    [pool, mode, layout.strip],
  );
  const now = useNow(signature);
  const snap = pool.snapshot;

  useLayoutEffect(() => {
    props.bus.modal = mode !== "agent";
  }, [mode, props.bus]);
  const { onPaneSize } = props;
  useEffect(() => onPaneSize(layout.pane.cols, layout.pane.rows), [layout.pane.cols, layout.pane.rows, onPaneSize]);

  const act = (p: Promise<void>, done: string) =>
    p.then(
      () => say(done),
      (err: unknown) => say(`failed: ${err instanceof Error ? err.message : String(err)}`),
    );

  const command = useEffectEvent((c: WrapCommand) => {
    switch (c.type) {
      case "help":
        return setMode((m) => (m === "help" ? "agent" : "help"));
      case "pool":
        setPoolView((v) => ({ ...v, usage: false }));
        return setMode((m) => (m === "pool" && !poolView.usage ? "agent" : "pool"));
      case "usage":
        setPoolView((v) => ({ ...v, usage: true }));
        return setMode((m) => (m === "pool" && poolView.usage ? "agent" : "pool"));
      case "cyclePanel":
        return setPref(cyclePanel);
      case "panelWidth": {
        const cur = panelWidth ?? layout.panel?.cols ?? 36;
        setPanelWidth(Math.max(MIN_PANEL_COLS, Math.min(MAX_PANEL_COLS, cur + c.delta)));
        return setPref("side");
      }
      case "autoRotate":
        return act(
          feed.setAutoRotate(!snap.autoRotate),
          snap.autoRotate ? "auto-rotate paused" : "auto-rotate resumed",
        );
      case "pin": {
        if (c.index === null) return act(feed.pin(null), "unpinned: auto-rotate picks the profile");
        const p = snap.profiles[c.index];
        if (!p) return say(`no profile #${c.index + 1}`);
        return act(feed.pin(p.name), `pinned ${p.name}`);
      }
      case "scroll": {
        const buf = pane.term.buffer.active;
        if (buf.type === "alternate" || buf.baseY === 0) return say("nothing to scroll back to");
        setScrollTop(Math.max(0, buf.viewportY - layout.pane.rows));
        return setMode("scroll");
      }
      case "quit":
        return setMode("confirm");
      case "redraw":
      case "cancel":
        return;
    }
  });
  useEffect(
    () =>
      props.bus.subscribe((m) => {
        if (m.type === "armed") setArmed(m.armed);
        else command(m.command);
      }),
    [props.bus],
  );

  useInput(
    (input, inkKey) => {
      let m = mode;
      let view = poolView;
      let top = scrollTop;
      for (const k of fromInkAll(input, inkKey)) {
        if (m === "help") {
          m = "agent";
        } else if (m === "confirm") {
          if (k.ch === "y" || k.ch === "q" || k.name === "enter") props.onQuit();
          m = "agent";
        } else if (m === "scroll") {
          const next = scrollStep(top, k, Math.max(1, layout.pane.rows - 1), pane.term.buffer.active.baseY);
          if (next === null) m = "agent";
          else top = next;
        } else if (m === "pool") {
          const r = poolKey(view, k, snap);
          view = r.view;
          const a = r.action;
          if (a?.type === "close") m = "agent";
          const pool = a && poolActionCall(feed, a);
          if (pool) act(pool.call, pool.done);
        }
        if (m === "agent") break;
      }
      setPoolView(view);
      setScrollTop(top);
      setMode(m);
    },
    { isActive: mode !== "agent" },
  );

  const dot = theme.g.dot;
  const hint = armed
    ? `keys: ${["d pool", "u usage", "s panel", "a auto", "1-9 pin", "[ scroll", "q quit", "? help"].join(` ${dot} `)}`
    : notice;
  const short = prefixShort(props.prefix);

  if (mode === "pool")
    return (
      <PoolScreenView
        state={pool}
        view={poolView}
        usage={usage}
        theme={theme}
        width={layout.cols}
        height={layout.rows}
        now={now}
        title={title}
        notice={hint}
      />
    );
  const p = layout.pane;
  // With the panel hidden, the strip only appears to show the key menu or a notice.
  const stripW = layout.strip ? layout.strip.cols : hint ? layout.cols : 0;
  const paneRows = stripW && !layout.strip ? p.rows - 1 : p.rows;
  return (
    <FullScreen>
      <Box flexDirection="row" height={paneRows} flexShrink={0}>
        <Box width={p.cols} height={paneRows} flexShrink={0}>
          <AgentPane
            source={pane}
            cols={p.cols}
            rows={paneRows}
            top={mode === "scroll" ? scrollTop : undefined}
            cursor={mode === "agent"}
          />
          {mode === "help" || mode === "confirm" ? (
            <Overlay
              mode={mode}
              theme={theme}
              paneCols={p.cols}
              paneRows={paneRows}
              prefix={props.prefix}
              title={title}
            />
          ) : null}
          {mode === "scroll" ? (
            <ScrollBadge theme={theme} up={pane.term.buffer.active.baseY - scrollTop} paneCols={p.cols} />
          ) : null}
        </Box>
        {layout.divider !== null ? <Divider theme={theme} rows={layout.rows} /> : null}
        {layout.panel ? (
          <SidePanel
            state={pool}
            theme={theme}
            width={layout.panel.cols}
            height={layout.panel.rows}
            now={now}
            title={title}
            hint={hint}
            prefixLabel={short}
          />
        ) : null}
      </Box>
      {stripW ? (
        <StatusStrip
          state={pool}
          theme={theme}
          width={stripW}
          now={now}
          title={title}
          hint={hint}
          prefixLabel={short}
        />
      ) : null}
    </FullScreen>
  );
}

function Overlay(props: {
  mode: "help" | "confirm";
  theme: Theme;
  paneCols: number;
  paneRows: number;
  prefix: number;
  title?: string;
}) {
  const { theme, paneCols, paneRows } = props;
  const w = Math.max(10, Math.min(props.mode === "help" ? 60 : 44, paneCols - 2));
  const h = props.mode === "help" ? 15 : 3;
  const left = Math.max(0, Math.floor((paneCols - w) / 2));
  const top = Math.max(0, Math.floor((paneRows - h) / 2));
  return (
    <Box position="absolute" left={left} top={top} width={w}>
      {props.mode === "help" ? (
        <HelpOverlay theme={theme} prefixLabel={prefixLabel(props.prefix)} width={w} />
      ) : (
        <ConfirmBox theme={theme} question={`Quit ${props.title ?? "the agent"}?`} width={w} />
      )}
    </Box>
  );
}

function ScrollBadge(props: { theme: Theme; up: number; paneCols: number }) {
  const { theme } = props;
  const text = ` scroll ${props.up} up ${theme.g.dot} ${theme.ascii ? "up/down" : "↑↓"} PgUp PgDn ${theme.g.dot} q back `;
  const w = Bun.stringWidth(text);
  return (
    <Box position="absolute" left={Math.max(0, props.paneCols - w)} top={0}>
      <Text inverse color={hue(theme, "cyan")}>
        {text}
      </Text>
    </Box>
  );
}
