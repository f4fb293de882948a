import { describe, expect, test } from "bun:test";
import { consoleTotals, countCases, parseJunit } from "./junit.ts";

// Shape of Bun 1.4.4's report (run with -t '^(?!outer inner does x$)').
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="8" assertions="3" failures="1" skipped="2" time="0.025">
  <testsuite name="a.test.ts" file="a.test.ts" tests="6" assertions="3" failures="0" skipped="2" time="0.0083" hostname="vm">
    <testsuite name="outer" file="a.test.ts" line="2" tests="3" assertions="1" failures="0" skipped="1" time="0" hostname="vm">
      <testsuite name="inner" file="a.test.ts" line="3" tests="2" assertions="1" failures="0" skipped="1" time="0" hostname="vm">
        <testcase name="does x" classname="inner &gt; outer" time="0" file="a.test.ts" line="4" assertions="0">
          <skipped />
        </testcase>
        <testcase name="does y" classname="inner &gt; outer" time="0.00021" file="a.test.ts" line="5" assertions="1" />
      </testsuite>
      <testcase name="top &amp; level" classname="outer" time="0.000026" file="a.test.ts" line="7" assertions="0" />
    </testsuite>
    <testcase name="skipped one" classname="" time="0" file="a.test.ts" line="10" assertions="0">
      <skipped />
    </testcase>
    <testcase name="later" classname="" time="0" file="a.test.ts" line="11" assertions="0">
      <skipped message="TODO" />
    </testcase>
  </testsuite>
  <testsuite name="b.test.ts" file="b.test.ts" tests="2" assertions="2" failures="1" skipped="0" time="0.0032" hostname="vm">
    <testcase name="b one" classname="" time="0.000011" file="b.test.ts" line="2" assertions="1" />
    <testcase name="b fail" classname="" time="0.002567" file="b.test.ts" line="3" assertions="1">
      <failure type="AssertionError" message="expect(received).toBe(expected)&#10;&#10;Expected: 3">AssertionError: boom</failure>
    </testcase>
  </testsuite>
</testsuites>`;

describe("parseJunit", () => {
  test("full names, statuses and per-file time", () => {
    const r = parseJunit(xml);
    // Order inside a file does not matter (the parser groups testcases before nested suites).
    expect(r.cases.map((c) => [c.file, c.name, c.status]).sort()).toEqual(
      [
        ["a.test.ts", "outer inner does x", "skipped"],
        ["a.test.ts", "outer inner does y", "passed"],
        ["a.test.ts", "outer top & level", "passed"],
        ["a.test.ts", "skipped one", "skipped"],
        ["a.test.ts", "later", "skipped"],
        ["b.test.ts", "b one", "passed"],
        ["b.test.ts", "b fail", "failed"],
      ].sort(),
    );
    expect(r.cases.find((c) => c.status === "failed")?.message).toBe("expect(received).toBe(expected)\n\nExpected: 3");
    expect(r.fileMs.get("a.test.ts")).toBeCloseTo(8.3, 5);
  });

  test("tests left out by the job's own -t pattern are not counted as skipped", () => {
    const r = parseJunit(xml, "^(?!outer inner does x$)");
    expect(countCases(r.cases)).toEqual({ passed: 3, failed: 1, skipped: 2 });
  });

  test("an empty or odd report gives no cases", () => {
    expect(parseJunit(`<?xml version="1.0"?><testsuites name="bun test" tests="0"></testsuites>`).cases).toEqual([]);
    expect(parseJunit("").cases).toEqual([]);
  });
});

describe("consoleTotals", () => {
  test("reads Bun's closing counts", () => {
    expect(consoleTotals(" 1 pass\n 1 todo\n 2 fail\n 1 error\nRan 4 tests across 2 files.")).toEqual({
      fail: 2,
      error: 1,
    });
    expect(consoleTotals(" 12 pass\n 0 fail\n")).toEqual({ fail: 0, error: 0 });
  });
});
