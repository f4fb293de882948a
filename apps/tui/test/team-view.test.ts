// `prodex dashboard --gateway`: runPoolView with a team feed on fake terminal streams, driven by keys.
import { expect, test } from "bun:test";
import { ledgerGrandTotal, ledgerTotals } from "@prodex/core";
import type { TeamFeed, UsageSummary, Whoami } from "@prodex/core/types";
import { createStaticFeed } from "../src/feed/static-feed.ts";
import { runPoolView } from "../src/runtime.ts";
import { sampleEvents, sampleLedger, sampleSnapshot } from "../src/ui/fixtures.ts";
import { FakeStdin, FakeStdout, strayModes, waitFor } from "./helpers.ts";

/** A team feed over the static pool feed: two instances, and what the keyboard asked of it. */
function teamFeed(role: Whoami["role"], now: number) {
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const revoked: string[] = [];
  const team: TeamFeed = {
    ...feed,
    who: { instance: "gw-a", role, name: role === "admin" ? "lead" : "watch" },
    url: "https://gw.example",
    instances: () => ({
      at: now,
      instances: [
        {
          id: "gw-a",
          host: "h1",
          url: "https://a",
          version: "0.1.0",
          startedAt: now,
          heartbeatAt: now,
          notReady: null,
        },
        {
          id: "gw-b",
          host: "h2",
          url: "https://b",
          version: "0.1.0",
          startedAt: now,
          heartbeatAt: now - 3_000,
          notReady: "database unreachable since 11:02",
        },
      ],
    }),
    link: () => ({ lastAnswer: now, failure: null }),
    async revoke(key) {
      revoked.push(key);
    },
    onTeam: () => () => {},
  };
  const rows = sampleLedger(now).map((r) => ({ ...r, caller: `${r.profile}-key` }));
  const period = (p: "1h" | "24h" | "7d", ms: number) => {
    const inPeriod = rows.filter((r) => r.at >= now - ms);
    return { period: p, total: ledgerGrandTotal(inPeriod), by: { key: ledgerTotals(inPeriod, "key") } };
  };
  const usage: UsageSummary = {
    at: now,
    periods: [period("1h", 3_600_000), period("24h", 86_400_000), period("7d", 7 * 86_400_000)],
  };
  feed.setUsage(usage);
  return { feed, team, revoked };
}

function start(team: TeamFeed) {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(140, 44);
  const done = runPoolView({ feed: team, team, stdin, stdout, env: { LANG: "C.UTF-8" } });
  const screenHas = (s: string) =>
    waitFor(`"${s}" on screen`, async () => ((await stdout.screen()).some((l) => l.includes(s)) ? true : undefined));
  return { stdin, stdout, done, screenHas };
}

test("team view (admin): instances, top keys, pin for the pool, a revoke only after y", async () => {
  const now = Date.now();
  const { feed, team, revoked } = teamFeed("admin", now);
  const { stdin, stdout, done, screenHas } = start(team);
  await screenHas("prodex team https://gw.example · 4 accounts · auto · via gw-a");
  await screenHas("gw-b         not ready beat 3s ago · v0.1.0 · https://b · database unreachable since 11:02");
  await screenHas("─ top keys · last hour");
  await screenHas("─ top keys · last day");
  await screenHas("x revoke");
  stdin.send("jp");
  await waitFor("pinned", () => feed.snapshot().pinned === "personal");
  // The last day's keys by use: work-key, personal-key. ] selects the second; x asks; n keeps; x, y revokes.
  stdin.send("]");
  await screenHas("▸ personal-key");
  stdin.send("x");
  await screenHas("revoke key personal-key? y revokes it, any other key keeps it");
  stdin.send("n");
  await screenHas("kept personal-key");
  expect(revoked).toEqual([]);
  stdin.send("xy");
  await screenHas("revoked personal-key");
  expect(revoked).toEqual(["personal-key"]);
  // t: the usage view, per key.
  stdin.send("t");
  await screenHas("─ by key · last hour");
  stdin.send("tq");
  await done;
  expect(await strayModes(stdout)).toEqual([]);
}, 20_000);

test("team view (viewer): read-only, and each change says why it is not made", async () => {
  const now = Date.now();
  const { feed, team, revoked } = teamFeed("viewer", now);
  const { stdin, done, screenHas } = start(team);
  await screenHas("viewer key watch: read-only (pin, pause and revoke need an admin key)");
  stdin.send("p");
  await screenHas("watch is a viewer key: pinning needs an admin key");
  stdin.send("a");
  await screenHas("watch is a viewer key: pausing rotation needs an admin key");
  stdin.send("x");
  await screenHas("watch is a viewer key: revoking needs an admin key");
  expect(feed.snapshot().pinned).toBeNull();
  expect(feed.snapshot().autoRotate).toBe(true);
  expect(revoked).toEqual([]);
  stdin.send("q");
  await done;
}, 20_000);
