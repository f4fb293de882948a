// `prodex dashboard`: runPoolView on fake terminal streams, driven by keys and a live feed.
import { expect, test } from "bun:test";
import { createStaticFeed } from "../src/feed/static-feed.ts";
import { runPoolView } from "../src/runtime.ts";
import { sampleEvents, sampleSnapshot, sampleUsage } from "../src/ui/fixtures.ts";
import { FakeStdin, FakeStdout, strayModes, waitFor } from "./helpers.ts";

test("runPoolView: shows the pool, pins, pauses, streams events, quits cleanly", async () => {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(140, 36);
  const now = Date.now();
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const done = runPoolView({ feed, stdin, stdout, env: { LANG: "C.UTF-8" } });
  const screenHas = (s: string) =>
    waitFor(`"${s}" on screen`, async () => ((await stdout.screen()).some((l) => l.includes(s)) ? true : undefined));

  await screenHas("prodex pool · 4 profiles · serving work");
  expect(stdout.written.startsWith("\x1b[?1049h")).toBe(true);

  stdin.send("j"); // select "personal"
  await screenHas("› 2 personal");
  stdin.send("p");
  await waitFor("pin", () => feed.snapshot().pinned === "personal");
  await screenHas("pinned personal");

  stdin.send("a");
  await waitFor("auto-rotate off", () => feed.snapshot().autoRotate === false);

  feed.push({ kind: "request.failed", profile: "work", message: "POST /responses 502 upstream" });
  await screenHas("POST /responses 502 upstream");

  // Filter to errors only: the failure stays, the rotation goes.
  stdin.send("f");
  stdin.send("f");
  await screenHas("events · error+");
  const shown = (await stdout.screen()).join("\n");
  expect(shown).toContain("502 upstream");
  expect(shown).not.toContain("backup → work");

  // t: the usage view, from the feed's usage summary; live; t again: back to the pool.
  feed.setUsage(sampleUsage(now));
  stdin.send("t");
  await screenHas("prodex usage · last hour · 3 req");
  await screenHas("─ by model · last hour");
  stdin.send("2");
  await screenHas("prodex usage · last day · 6 req");
  stdin.send("t");
  await screenHas("prodex pool · 4 profiles");

  stdin.send("q");
  await done;
  expect(stdin.raw).toBe(false);
  expect(await strayModes(stdout)).toEqual([]);
  expect(feed.closed).toBe(false); // the caller owns the feed
}, 20000);
