import { useCallback, useEffect, useRef, useState } from "react";
import type { PoolFeed } from "@prodex/core/types";
import { fmtAgo, fmtClock, fmtDuration, fmtReset } from "../format/format.ts";
import { applyFeedMessage, initPoolState, type PoolState } from "./pool-state.ts";

/** The pool as the dashboard shows it: the feed's snapshot and events, updated as messages arrive. */
export function usePoolFeed(feed: PoolFeed): PoolState {
  const [state, setState] = useState(() => initPoolState(feed.snapshot(), feed.recent()));
  useEffect(() => feed.subscribe((msg) => setState((s) => applyFeedMessage(s, msg))), [feed]);
  return state;
}

/** What the countdowns on screen say at `now`: the view re-renders only when this text changes. */
export function timeSignature(
  state: PoolState,
  now: number,
  opts: { clock?: boolean; rotationAge?: boolean } = {},
): string {
  let sig = opts.clock ? fmtClock(now) : "";
  for (const p of state.snapshot.profiles) {
    for (const w of p.windows) sig += fmtReset(w.resetAt, now);
    if (p.backoff) sig += fmtDuration(p.backoff.until - now);
  }
  if (opts.rotationAge && state.lastRotation) sig += fmtAgo(state.lastRotation.at, now);
  return sig;
}

/**
 * The time the view is drawn at. Checked once a second, but it only changes (and re-renders the
 * view) when `signature` — the countdown text on screen — changes: an idle dashboard draws nothing.
 */
export function useNow(signature: (now: number) => string): number {
  const [now, setNow] = useState(() => Date.now());
  const drawn = useRef({ now, signature });
  drawn.current = { now, signature };
  useEffect(() => {
    const t = setInterval(() => {
      const { now: at, signature: sig } = drawn.current;
      const next = Date.now();
      if (sig(next) !== sig(at)) setNow(next);
    }, 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export type Notice = { text: string; until: number };

/** A short message ("pinned work") that clears itself after `ms`. */
export function useNotice(ms = 3000): [string | undefined, (text: string) => void] {
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), Math.max(0, notice.until - Date.now()));
    return () => clearTimeout(t);
  }, [notice]);
  const say = useCallback((text: string) => setNotice({ text, until: Date.now() + ms }), [ms]);
  return [notice?.text, say];
}
