import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Context } from "../context.ts";
import { addProfile } from "../profiles/profile-service.ts";
import { ledgerRow } from "@prodex/testkit/ledger-row";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import type { PoolFeedMessage } from "./pool-view.ts";
import { NO_PROXY_TO_CONTROL, storeFeed } from "./store-feed.ts";

const temp = useTempDirs("prodex-store-feed-");

function envIn(dir: string): Record<string, string> {
  return { HOME: join(dir, "home"), PRODEX_HOME: join(dir, "prodex"), PRODEX_SHARED_CODEX_HOME: join(dir, "shared") };
}

async function until(what: string, ok: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe("storeFeed (the dashboard with no proxy running)", () => {
  test("profiles with their stored usage, the recent timeline, then what other processes write", async () => {
    const env = envIn(temp());
    const me = new Context({ env, source: "dashboard" });
    const other = new Context({ env, source: "another-prodex" });
    try {
      const p1 = addProfile(me, { name: "work" });
      addProfile(me, { name: "personal" });
      me.store.usage.insert({
        profileId: p1.id,
        fetchedAt: me.now(),
        source: "live",
        plan: "plus",
        windows: [
          { label: "5h", usedPercent: 100, windowSeconds: 18_000, resetAt: me.now() + 600_000, limit: "codex" },
        ],
      });
      other.events.emit({ kind: "quota.fetched", profile: "work", message: "before the dashboard" });

      const feed = storeFeed(me, { pollMs: 20 });
      const heard: PoolFeedMessage[] = [];
      feed.subscribe((m) => heard.push(m));
      try {
        const snap = feed.snapshot();
        expect(snap.profiles.map((p) => [p.name, p.status])).toEqual([
          ["work", "exhausted"],
          ["personal", "unknown"],
        ]);
        expect(snap.current).toBe("work");
        expect(feed.recent().map((e) => e.message)).toContain("before the dashboard");

        // Another process's rotation and a backoff it stored: both reach the dashboard.
        other.events.emit({ kind: "rotation", profile: "personal", message: "work → personal: 5h limit" });
        other.store.backoffs.set(p1.id, "quota", other.now() + 600_000, "usage_limit_reached", other.now());
        await until("the rotation", () =>
          heard.some((m) => m.type === "event" && m.event.message === "work → personal: 5h limit"),
        );
        await until(
          "the backoff",
          () => feed.snapshot().profiles.find((p) => p.name === "work")?.backoff?.reason === "quota",
        );
        expect(heard.some((m) => m.type === "snapshot")).toBe(true);
        expect(feed.recent().at(-1)?.message).toBe("work → personal: 5h limit");
      } finally {
        feed.close();
      }
    } finally {
      other.close();
      me.close();
    }
  });

  test("usage: the ledger's totals at start, then each request another process records", async () => {
    const env = envIn(temp());
    const me = new Context({ env, source: "dashboard" });
    const other = new Context({ env, source: "another-prodex" });
    const row = (requestId: string, profile: string, model: string, inputTokens: number) =>
      ledgerRow({ requestId, at: other.now(), profile, model, inputTokens, outputTokens: 7 });
    try {
      other.store.ledger.record(row("a", "work", "gpt-5", 100));
      const feed = storeFeed(me, { pollMs: 20 });
      const heard: PoolFeedMessage[] = [];
      feed.subscribe((m) => heard.push(m));
      try {
        const hour = () => feed.usage()?.periods.find((p) => p.period === "1h");
        // The past is read between the loop's other work, and sent as soon as it is in.
        await until("the past read", () => hour()?.total.requests === 1);
        expect(heard.filter((m) => m.type === "usage")).toHaveLength(1);
        other.store.ledger.record(row("b", "personal", "gpt-5-codex", 900));
        await until("the new request", () => hour()?.total.requests === 2);
        expect(hour()?.by.profile?.map((t) => [t.group, t.requests, t.totalTokens])).toEqual([
          ["personal", 1, 907],
          ["work", 1, 107],
        ]);
        expect(hour()?.by.model?.map((t) => t.group)).toEqual(["gpt-5-codex", "gpt-5"]);
        expect(heard.filter((m) => m.type === "usage")).toHaveLength(2);
      } finally {
        feed.close();
      }
    } finally {
      other.close();
      me.close();
    }
  });

  test("pin and auto-rotate are refused with the reason: nothing runs to take them", async () => {
    const ctx = new Context({ env: envIn(temp()), source: "dashboard" });
    const feed = storeFeed(ctx);
    try {
      await expect(feed.pin("work")).rejects.toThrow(NO_PROXY_TO_CONTROL);
      await expect(feed.setAutoRotate(false)).rejects.toThrow(NO_PROXY_TO_CONTROL);
      // A pause is stored with the profile: no proxy needed. A name the store does not have is one clear error.
      await expect(feed.setPaused("nobody", true)).rejects.toThrow('no profile named "nobody"');
    } finally {
      feed.close();
      ctx.close();
    }
  });
});
