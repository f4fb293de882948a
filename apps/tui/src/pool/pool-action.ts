import type { PoolFeed } from "@prodex/core/types";
import type { PoolAction } from "./pool-controller.ts";

/**
 * What a pool-view action asks of the feed, and the notice once it is done; null for the actions the screen itself
 * handles (close). The wrapper's pool overlay and `prodex dashboard` (local or team) send them the same way.
 */
export function poolActionCall(feed: PoolFeed, a: PoolAction): { call: Promise<void>; done: string } | null {
  switch (a.type) {
    case "pin":
      return { call: feed.pin(a.profile), done: a.profile ? `pinned ${a.profile}` : "unpinned" };
    case "autoRotate":
      return { call: feed.setAutoRotate(a.enabled), done: a.enabled ? "auto-rotate resumed" : "auto-rotate paused" };
    case "pause":
      return {
        call: feed.setPaused(a.profile, a.paused),
        done: a.paused ? `paused ${a.profile}: no new conversation goes to it` : `resumed ${a.profile}`,
      };
    case "close":
      return null;
  }
}
