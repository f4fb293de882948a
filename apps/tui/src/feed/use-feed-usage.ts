import { useEffect, useState } from "react";
import type { PoolFeed, UsageSummary } from "@prodex/core/types";

/**
 * The feed's usage summary while `shown`: subscribed only then, so the usage messages a feed carries
 * never redraw the agent's screen or the pool view (the dashboard's typing and redraw costs stay as they were).
 * The summary is read from the feed as each frame is drawn, so the view opens on the latest one.
 */
export function useFeedUsage(feed: PoolFeed, shown: boolean): UsageSummary | null {
  const [, setVersion] = useState(0);
  useEffect(() => {
    if (!shown) return;
    const unsubscribe = feed.subscribe((m) => {
      if (m.type === "usage") setVersion((v) => v + 1);
    });
    // One that arrived between the first frame and this subscription is not missed.
    setVersion((v) => v + 1);
    return unsubscribe;
  }, [feed, shown]);
  return shown ? feed.usage() : null;
}
