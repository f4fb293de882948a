import { describe, expect, test } from "bun:test";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import type { StoredWindow } from "@prodex/store";
import { createKey, updateKeyLimits, usageReport } from "../src/index.ts";
import { claudeTurn, codexTurn, gatewayWorld, prodexCli } from "./gateway-world.ts";

// Per-key limits on a real PostgreSQL under two instances: a key over its own limit gets its client's 429,
// counted across both instances, while another key goes on.
const cluster = usePgCluster();

/** The per-minute counter resets on the minute: start a run early enough in one to finish in it. */
async function freshMinute(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 40_000) await Bun.sleep(60_000 - into + 50);
}

describe("per-key limits", () => {
  test("--rpm 3 across two instances: three served, then Codex's usage_limit_reached and Claude's rate_limit_error; the other key goes on; lifted, it serves again", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const burst = (await createKey(w.store, "burst", "user", { rpm: 3 })).key;
      const a = await w.start();
      const b = await w.start();
      await freshMinute();
      const statuses: number[] = [];
      let refusal = "";
      for (let i = 0; i < 6; i++) {
        const r = await codexTurn(i % 2 === 0 ? a.url : b.url, burst);
        statuses.push(r.status);
        if (r.status === 429) refusal = r.text;
        // The key without limits, on both instances, every time.
        expect((await codexTurn(i % 2 === 0 ? b.url : a.url, w.key)).status).toBe(200);
      }
      // Each instance admits on its last reading of the shared count plus its own since: while the other
      // instance's latest requests are not in its reading yet, it may admit up to its allowance (rpm / 10, at
      // least 1) more — at most instances × allowance over the limit, never more.
      const served = statuses.filter((s) => s === 200).length;
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(served).toBeLessThanOrEqual(3 + 2 * 1);
      expect(statuses.at(-1)).toBe(429);
      // Once both have read the shared count, neither admits one more this minute.
      await Bun.sleep(300);
      for (let i = 0; i < 4; i++) expect((await codexTurn(i % 2 === 0 ? a.url : b.url, burst)).status).toBe(429);
      const body = JSON.parse(refusal) as { error: { type: string; resets_in_seconds: number; message: string } };
      expect(body.error.type).toBe("usage_limit_reached");
      expect(body.error.resets_in_seconds).toBeGreaterThan(0);
      expect(body.error.resets_in_seconds).toBeLessThanOrEqual(60);
      expect(body.error.message).toContain('key "burst" has reached its limit of 3 requests per minute');
      const claude = await claudeTurn(b.url, burst);
      expect(claude.status).toBe(429);
      expect(claude.headers.get("x-should-retry")).toBe("false");
      expect(((await claude.json()) as { type: string; error: { type: string } }).error.type).toBe("rate_limit_error");
      // Refused requests never reached an account: the ledger has only the served ones.
      const burstRows = async () => (await w.store.ledger.since(0)).filter((r) => r.caller === "burst").length;
      for (let i = 0; i < 100 && (await burstRows()) < served; i++) await Bun.sleep(20);
      await Bun.sleep(200);
      expect(await burstRows()).toBe(served);

      await updateKeyLimits(w.store, "burst", { rpm: null });
      let last = "";
      const lifted = async () => {
        for (const g of [a, b]) {
          const r = await codexTurn(g.url, burst);
          last = `${r.status} ${r.text.slice(0, 300)}`;
          if (r.status !== 200) return false;
        }
        return true;
      };
      let ok = false;
      for (let i = 0; i < 50 && !ok; i++) {
        ok = await lifted();
        if (!ok) await Bun.sleep(20);
      }
      expect(ok, last).toBe(true);
    } finally {
      await w.close();
    }
  }, 120_000);

  test("--tokens-per-day: once a served answer used the day's tokens, the key is refused on the other instance too", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }]);
    try {
      const small = (await createKey(w.store, "small", "user", { tokensPerDay: 5 })).key;
      const a = await w.start();
      const b = await w.start();
      expect((await codexTurn(a.url, small)).status).toBe(200);
      // Its tokens reach the shared counter within a sync or two.
      let refused: { status: number; text: string } | null = null;
      for (let i = 0; i < 40 && !refused; i++) {
        await Bun.sleep(50);
        const r = await codexTurn(b.url, small);
        if (r.status === 429) refused = r;
      }
      expect(refused?.status).toBe(429);
      expect(refused?.text).toContain("tokens per day");
      expect((await codexTurn(b.url, w.key)).status).toBe(200);

      // The operator's commands: limits shown, changed (none lifts one), bad values refused in one line.
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: w.env.HOME ?? "",
        NO_COLOR: "1",
        PRODEX_DATABASE_URL: w.url,
      };
      expect((await prodexCli(env, ["gateway", "key", "list"])).stdout).toMatch(/small\s+user\s+\S+\s+5 tokens\/day/);
      const lift = await prodexCli(env, [
        "gateway",
        "key",
        "update",
        "small",
        "--tokens-per-day",
        "none",
        "--rpm",
        "100",
      ]);
      expect(lift.code, lift.stderr).toBe(0);
      expect(lift.stdout.trim()).toBe("key small: 100 rpm");
      const bad = await prodexCli(env, ["gateway", "key", "update", "small", "--rpm", "0"]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("--rpm must be a whole number above 0");
      let back = false;
      for (let i = 0; i < 50 && !back; i++)
        back = (await codexTurn(a.url, small)).status === 200 || (await Bun.sleep(20), false);
      expect(back).toBe(true);

      // The same change through the admin route (an admin key; zod-checked, one clear line when wrong).
      const admin = (await createKey(w.store, "boss", "admin")).key;
      const patch = (body: unknown, key = admin) =>
        fetch(`${a.url}/gateway/v1/keys/small`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const patched = await patch({ maxShare: 0.4, rpm: null });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ name: "small", rpm: null, tokensPerDay: null, maxShare: 0.4 });
      const wrong = await patch({ maxShare: 1.5 });
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(
        "prodex gateway: maxShare must be a fraction above 0 and at most 1 (like 0.4), or null to lift it",
      );
      expect((await patch({ rpm: 1 }, w.key)).status).toBe(403);
      // Created with limits through the route too (the key in the answer, once).
      const post = (body: unknown) =>
        fetch(`${a.url}/gateway/v1/keys`, {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const robot = await post({ name: "robot", maxShare: 0.3, rpm: 20 });
      expect(robot.status).toBe(201);
      expect(await robot.json()).toMatchObject({ name: "robot", role: "user", rpm: 20, maxShare: 0.3 });
      const zero = await post({ name: "robot-2", maxShare: 0 });
      expect(zero.status).toBe(400);
      expect(await zero.text()).toContain("maxShare must be a fraction above 0 and at most 1");
      expect((await prodexCli(env, ["gateway", "key", "list"])).stdout).toMatch(
        /small\s+user\s+\S+\s+max 40% of the weekly room/,
      );

      // The audit trail: who created, changed and revoked it (the operator at the database, or an admin key).
      expect(
        (
          await fetch(`${a.url}/gateway/v1/keys/small`, {
            method: "DELETE",
            headers: { authorization: `Bearer ${admin}` },
          })
        ).status,
      ).toBe(200);
      const audit = (await w.store.events.since(0))
        .filter((e) => e.kind === "audit")
        .map((e) => e.data as { action: string; who: string; subject: string; from?: object; to?: object });
      expect(audit.filter((e) => e.subject === "small").map((e) => e.action)).toEqual([
        "key.created",
        "key.limits",
        "key.limits",
        "key.revoked",
      ]);
      // Each limit change says who made it, and what each limit was before and after.
      const changes = audit.filter((e) => e.action === "key.limits");
      expect(changes.map((e) => e.who)).toEqual([expect.stringMatching(/^operator /), "key boss"]);
      expect(changes.map((e) => [e.from, e.to])).toEqual([
        [
          { rpm: null, tokensPerDay: 5, maxShare: null },
          { rpm: 100, tokensPerDay: null, maxShare: null },
        ],
        [
          { rpm: 100, tokensPerDay: null, maxShare: null },
          { rpm: null, tokensPerDay: null, maxShare: 0.4 },
        ],
      ]);
      const lines = (await w.store.events.since(0)).filter((e) => e.kind === "audit").map((e) => e.message);
      expect(lines).toContain("key boss: key.limits small (rpm 100 → none, max-share none → 0.4)");
      expect(audit.find((e) => e.action === "key.revoked")?.who).toBe("key boss");
      expect(audit.filter((e) => e.action === "account.added").map((e) => e.subject)).toEqual(["acct-a"]);
      expect(JSON.stringify(audit)).not.toContain(admin);
    } finally {
      await w.close();
    }
  }, 120_000);

  test("--max-share 0.02 across two instances: served up to 2% of the pool's weekly room, then refused on both with the weekly reset; the other key goes on; raised, it serves again", async () => {
    // Each answer costs its account 1 point of its weekly window (and 10 of its 5-hour one): two accounts, 200 points.
    const w = await gatewayWorld(cluster(), [
      { id: "acct-a", costPercent: 10 },
      { id: "acct-b", costPercent: 10 },
    ]);
    try {
      const hog = (await createKey(w.store, "hog", "user", { maxShare: 0.02 })).key;
      const a = await w.start();
      const b = await w.start();
      let answers = 0;
      /** Both instances have read the pool after `answers` answers: ledger written, readings shared, then read. */
      const settled = async () => {
        for (let i = 0; i < 100 && (await w.store.ledger.since(0)).length < answers; i++) await Bun.sleep(50);
        await Bun.sleep(2_300); // a usage reading out (every second), then a share reading in (every second)
      };
      /** The rule, from what `prodex gateway usage` says of the weekly windows: K < 0.02 × (R + K)? */
      const underShare = async () => {
        const now = Date.now();
        const report = await usageReport(w.store, { by: "key", since: now - 3_600_000, now, asker: "operator" });
        const weekly = (report.windows ?? []).filter((x) => x.window === "weekly");
        const used = weekly
          .flatMap((x) => x.keys.filter((k) => k.key === "hog"))
          .reduce((n, k) => n + k.usedPercent, 0);
        // An account no answer has come from yet has its whole window left.
        const room = weekly.reduce((n, x) => n + 100 - x.usedPercent, 0) + 100 * (2 - weekly.length);
        return used === 0 || used < 0.02 * (room + used);
      };
      const statuses: number[] = [];
      let refusal = "";
      for (let i = 0; i < 10 && !refusal; i++) {
        await settled();
        const expected = (await underShare()) ? 200 : 429;
        const r = await codexTurn(i % 2 === 0 ? a.url : b.url, hog);
        expect(r.status).toBe(expected);
        statuses.push(r.status);
        if (r.status === 200) answers++;
        else refusal = r.text;
        // The key without a share, on the other instance: its use shrinks the room the hog's share is of.
        expect((await codexTurn(i % 2 === 0 ? b.url : a.url, w.key)).status).toBe(200);
        answers++;
      }
      // 2% of 200 points is about 4 answers' worth (the upstream's reading trails its last answer by one).
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(4);
      const body = JSON.parse(refusal) as { error: { type: string; resets_at: number; message: string } };
      expect(body.error.type).toBe("usage_limit_reached");
      // The key's own reset: when the accounts' weekly windows reset (the mock's: three days from their start).
      const resets = (await w.store.usage.all()).flatMap((u) =>
        (u.windows as StoredWindow[]).filter((x) => x.label === "weekly").map((x) => x.resetAt ?? 0),
      );
      expect(body.error.resets_at).toBeGreaterThanOrEqual(Math.floor(Math.min(...resets) / 1000));
      expect(body.error.resets_at).toBeLessThanOrEqual(Math.ceil(Math.max(...resets) / 1000));
      expect(body.error.resets_at * 1000 - Date.now()).toBeGreaterThan(2.9 * 86_400_000);
      expect(body.error.message).toContain("of 2% of the pool's remaining weekly room");
      // Refused on the other instance too, in Claude Code's shape there; the dev key is served on both.
      for (const g of [a, b]) expect((await codexTurn(g.url, hog)).status).toBe(429);
      const claude = await claudeTurn(a.url, hog);
      expect(claude.status).toBe(429);
      expect(((await claude.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
      for (const g of [a, b]) expect((await codexTurn(g.url, w.key)).status).toBe(200);

      // Raised by the operator: both instances read it at once and serve the key again.
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: w.env.HOME ?? "", PRODEX_DATABASE_URL: w.url };
      const raise = await prodexCli(env, ["gateway", "key", "update", "hog", "--max-share", "50%"]);
      expect(raise.code, raise.stderr).toBe(0);
      expect(raise.stdout.trim()).toBe("key hog: max 50% of the weekly room");
      let back = false;
      for (let i = 0; i < 50 && !back; i++) {
        back = (await codexTurn(a.url, hog)).status === 200 && (await codexTurn(b.url, hog)).status === 200;
        if (!back) await Bun.sleep(50);
      }
      expect(back).toBe(true);
    } finally {
      await w.close();
    }
  }, 120_000);

  test("--max-share and a paused account: the key's use there still counts, its room does not; resumed, the room is back", async () => {
    // Each answer costs its account 1 point of its weekly window: two accounts, 200 points of room.
    const w = await gatewayWorld(cluster(), [
      { id: "acct-a", costPercent: 10 },
      { id: "acct-b", costPercent: 10 },
    ]);
    try {
      const hog = (await createKey(w.store, "hog", "user", { maxShare: 0.025 })).key;
      const admin = (await createKey(w.store, "ops", "admin")).key;
      const g = await w.start();
      const control = (body: unknown) =>
        fetch(`${g.url}/gateway/v1/pool/control`, {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      // A usage reading out, then a share reading in (each every second).
      const settle = () => Bun.sleep(2_300);
      // Four answers: K is 3 to 4 points (the upstream's reading trails its last answer by one), under
      // 0.025 × 200 = 5 while both accounts can take work.
      for (let i = 0; i < 4; i++) expect((await codexTurn(g.url, hog)).status).toBe(200);
      await settle();
      const served = w.mock.requests({ path: "/backend-api/codex/responses" }).map((r) => r.accountId);
      // The account the hog used most is paused: what it took there still counts, but that account's room is no
      // one's now: 0.025 × (R ≈ 97 + K) ≈ 2.5 < K.
      const busiest = served.filter((a) => a === "acct-a").length >= 2 ? "acct-a" : "acct-b";
      expect((await control({ pause: busiest })).status).toBe(200);
      await settle();
      const refused = await codexTurn(g.url, hog);
      expect(refused.status).toBe(429);
      expect(refused.text).toContain("of 2.5% of the pool's remaining weekly room");
      // The other key is served (by the account still in the pool).
      expect((await codexTurn(g.url, w.key)).status).toBe(200);
      // Resumed: its room is back (K ≈ 4 < 0.025 × ≈ 199), and the key with it.
      expect((await control({ resume: busiest })).status).toBe(200);
      await settle();
      expect((await codexTurn(g.url, hog)).status).toBe(200);
    } finally {
      await w.close();
    }
  }, 60_000);
});
