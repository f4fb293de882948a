import { expect, test } from "bun:test";
import { join } from "node:path";
import { parseJunit } from "../src/run/junit.ts";
import { scanSource } from "../src/scan/scan-tests.ts";
import { useFixtureTrees } from "./helpers.ts";

const copy = useFixtureTrees();

// The guard trusts the static scan instead of asking Bun (Bun has no --list): check that, for
// every naming form the repo uses, the scan predicts exactly the names Bun reports.
test("the static scan agrees with the names bun test reports", async () => {
  const dir = copy("names");
  const file = "names.test.ts";
  const junit = join(dir, "junit.xml");
  const p = Bun.spawn({
    cmd: [process.execPath, "test", "--reporter=junit", `--reporter-outfile=${junit}`, `./${file}`],
    cwd: dir,
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env },
  });
  await p.exited;
  const reported = parseJunit(await Bun.file(junit).text())
    .cases.map((c) => c.name)
    .sort();
  const scanned = scanSource(file, await Bun.file(join(dir, file)).text()).tests;
  const exact = scanned
    .filter((t) => t.pattern === undefined)
    .map((t) => t.name)
    .sort();
  const patterns = scanned.filter((t) => t.pattern !== undefined).map((t) => new RegExp(t.pattern ?? ""));

  // Every known name is real, and every real name is known or covered by a computed-name pattern.
  expect(exact.filter((n) => !reported.includes(n))).toEqual([]);
  expect(reported.filter((n) => !exact.includes(n) && !patterns.some((re) => re.test(n)))).toEqual([]);
  // Only the truly run-time names are left as patterns.
  expect(scanned.filter((t) => t.pattern !== undefined).map((t) => t.name)).toEqual([
    "computed time *",
    "computed date *",
  ]);
  expect(exact.length).toBe(reported.length - 2);
}, 30_000);
