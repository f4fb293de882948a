import { afterEach, describe, expect, test } from "bun:test";
import { type EventOf, readAuth } from "@prodex/core";
import { connectFeed } from "../../src/client/feed-client.ts";
import { type BrokerWorld, brokerWorld, responsesRequest } from "../helpers/broker-world.ts";

// A broker subprocess serving several launches, each with a lease of its own.

let w: BrokerWorld | null = null;
afterEach(async () => {
  await w?.close();
  w = null;
});

const inference = (world: BrokerWorld) => world.mock.requests({ path: "/backend-api/codex/responses" });

describe("leases", () => {
  test("two launches share one broker, each with its own secret; a released lease's secret is refused", async () => {
    w = await brokerWorld([{ id: "acct-a" }, { id: "acct-b" }]);
    const a = await w.attach({ profile: "p1" });
    const b = await w.attach({ profile: "p2" });
    expect([a.broker.started, b.broker.started]).toEqual([true, false]);
    expect(b.broker.pid).toBe(a.broker.pid);
    expect(w.brokers()).toEqual([{ pid: a.broker.pid, url: a.url }]);
    expect(a.secret).not.toBe(b.secret);
    expect(a.codexBaseUrl.startsWith(`${a.url}/s/`)).toBe(true);

    for (const l of [a, b]) {
      const res = await responsesRequest(l, "say hi");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("response.completed");
      // The URLs Codex's arguments carry name the lease without holding its secret.
      expect(l.codexBaseUrl).not.toContain(l.secret);
      expect(l.refreshUrl).toContain(`/k/${l.secret}/`);
    }
    // Each launch's Codex refreshes through its own lease, for its own profile's login only.
    const rt = (name: string) => {
      const auth = readAuth(w?.ctx.store.profiles.get(name)?.codexHome ?? "");
      return auth.kind === "chatgpt" ? auth.refreshToken : "";
    };
    const refresh = (url: string, token: string) =>
      fetch(url, { method: "POST", body: JSON.stringify({ grant_type: "refresh_token", refresh_token: token }) });
    expect((await refresh(a.refreshUrl, rt("p1"))).status).toBe(200);
    expect((await refresh(b.refreshUrl, rt("p2"))).status).toBe(200);
    expect((await refresh(a.refreshUrl, rt("p2"))).status).toBe(401);
    // A lease's path opens only with that lease's own secret in the header, not another live one's.
    expect(
      (await responsesRequest({ codexBaseUrl: a.codexBaseUrl, codexHeaders: b.codexHeaders }, "crossed")).status,
    ).toBe(401);
    expect((await responsesRequest({ codexBaseUrl: a.codexBaseUrl, codexHeaders: {} }, "no header")).status).toBe(401);

    await a.release();
    expect((await responsesRequest(a, "after release")).status).toBe(401);
    expect((await fetch(`${a.url}/v1/models`, { headers: { "x-api-key": a.secret } })).status).toBe(401);
    // Revoking one launch leaves the other alone.
    expect((await fetch(`${b.url}/v1/models`, { headers: { "x-api-key": b.secret } })).status).toBe(200);
    expect((await responsesRequest(b, "still here")).status).toBe(200);
    await b.release();
  }, 30_000);

  test("backoffs are shared: the account one launch found exhausted is not tried for the other", async () => {
    w = await brokerWorld([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 40 } },
    ]);
    w.mock.fault(
      "acct-a",
      { kind: "usage_limit", resetsInSeconds: 1800 },
      { kind: "usage_limit", resetsInSeconds: 1800 },
    );
    const a = await w.attach({ profile: "p1" });
    const b = await w.attach({ profile: "p1" });
    const first = await responsesRequest(a, "from A");
    expect(first.status).toBe(200);
    await first.text();
    const second = await responsesRequest(b, "from B");
    expect(second.status).toBe(200);
    await second.text();
    expect(inference(w).map((q) => `${q.accountId} ${q.status}`)).toEqual(["acct-a 429", "acct-b 200", "acct-b 200"]);
    await Promise.all([a.release(), b.release()]);
  }, 30_000);

  test("--no-auto-rotate is the lease's own: that launch stays on its profile, the other rotates", async () => {
    w = await brokerWorld([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 40 } },
    ]);
    w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const held = await w.attach({ profile: "p1", autoRotate: false });
    const free = await w.attach({ profile: "p1", autoRotate: true });
    const limited = await responsesRequest(held, "held");
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain("usage_limit_reached");
    const served = await responsesRequest(free, "free");
    expect(served.status).toBe(200);
    await served.text();
    expect(inference(w).map((q) => `${q.accountId} ${q.status}`)).toEqual(["acct-a 429", "acct-b 200"]);
    await Promise.all([held.release(), free.release()]);
  }, 30_000);

  test("each launch's dashboard feed shows the other launches' events", async () => {
    w = await brokerWorld([
      { id: "acct-a", primary: { usedPercent: 5 } },
      { id: "acct-b", primary: { usedPercent: 40 } },
    ]);
    w.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 1800 });
    const a = await w.attach({ profile: "p1" });
    const b = await w.attach({ profile: "p2" });
    const feed = await connectFeed(b);
    try {
      const res = await responsesRequest(a, "from A");
      expect(res.status).toBe(200);
      await res.text();
      const end = Date.now() + 10_000;
      const rotation = () =>
        feed
          .recent()
          .find((e): e is EventOf<"rotation"> => e.kind === "rotation" && e.data?.from === "p1" && e.data?.to === "p2");
      while (!rotation() && Date.now() < end) await Bun.sleep(25);
      expect(rotation()?.data?.kind).toBe("quota");
      expect(feed.snapshot().profiles.find((p) => p.name === "p1")?.status).toBe("exhausted");
    } finally {
      feed.close();
    }
    await Promise.all([a.release(), b.release()]);
  }, 30_000);
});
