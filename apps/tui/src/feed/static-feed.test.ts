import { describe, expect, test } from "bun:test";
import type { PoolFeedMessage } from "@prodex/core/types";
import { sampleSnapshot } from "../ui/fixtures.ts";
import { createStaticFeed } from "./static-feed.ts";

describe("createStaticFeed", () => {
  test("push delivers events with increasing ids and keeps them in recent()", () => {
    const feed = createStaticFeed(sampleSnapshot(0), [
      { id: 7, at: 1, kind: "proxy.started", level: "info", profile: null, message: "up" },
    ]);
    const got: PoolFeedMessage[] = [];
    feed.subscribe((m) => got.push(m));
    const e = feed.push({ kind: "rotation", profile: "personal", message: "work → personal", at: 5 });
    expect(e.id).toBe(8);
    expect(got).toEqual([{ type: "event", event: e }]);
    expect(feed.recent().map((x) => x.id)).toEqual([7, 8]);
  });

  test("failed kinds default to error level", () => {
    const feed = createStaticFeed(sampleSnapshot(0));
    expect(feed.push({ kind: "request.failed", message: "502" }).level).toBe("error");
    expect(feed.push({ kind: "rotation", message: "a → b" }).level).toBe("info");
  });

  test("pin and auto-rotate update the snapshot and log a control event", async () => {
    const feed = createStaticFeed(sampleSnapshot(0));
    const kinds: string[] = [];
    feed.subscribe((m) => kinds.push(m.type));
    await feed.pin("personal");
    expect(feed.snapshot().pinned).toBe("personal");
    expect(feed.snapshot().current).toBe("personal");
    expect(feed.snapshot().profiles.find((p) => p.current)?.name).toBe("personal");
    await feed.setAutoRotate(false);
    expect(feed.snapshot().autoRotate).toBe(false);
    expect(kinds).toEqual(["snapshot", "event", "snapshot", "event"]);
    await expect(feed.pin("nobody")).rejects.toThrow('no profile named "nobody"');
  });

  test("unsubscribe and close stop delivery", () => {
    const feed = createStaticFeed(sampleSnapshot(0));
    let n = 0;
    const off = feed.subscribe(() => n++);
    feed.push({ kind: "control", message: "x" });
    off();
    feed.push({ kind: "control", message: "y" });
    feed.subscribe(() => n++);
    feed.close();
    feed.push({ kind: "control", message: "z" });
    expect(n).toBe(1);
    expect(feed.closed).toBe(true);
  });
});
