import { useEffect, useState } from "react";
import type { PoolFeed, UsageSummary } from "@prodex/core/types";

/**
 * The feed's usage summary while `shown`: subscribed only then, so the usage messages a feed carries
 * never redraw the agent's screen or the pool view (the dashboard's typing and redraw costs stay as they were).
 */
export function useFeedUsage(feed: PoolFeed, shown: boolean): UsageSummary | null {
  const [usage, setUsage] = useState<UsageSummary | null>(null);
  useEffect(() => {
    if (!shown) return;
    setUsage(feed.usage());
    return feed.subscribe((m) => {
      if (m.type === "usage") setUsage(m.usage);
    });
  }, [feed, shown]);
  return shown ? usage : null;
}
