import { expect, test } from "bun:test";
import { parsePromText, promSum } from "./prom-text.ts";

const ok = [
  "# HELP a_total As.",
  "# TYPE a_total counter",
  'a_total{x="1",y="q\\"z"} 3',
  "# TYPE h histogram",
  'h_bucket{le="1"} 1',
  'h_bucket{le="+Inf"} 2',
  "h_sum 1.5",
  "h_count 2",
  "",
].join("\n");

test("a valid exposition parses into its families", () => {
  const f = parsePromText(ok);
  expect(f.map((x) => [x.name, x.type, x.samples.length])).toEqual([
    ["a_total", "counter", 1],
    ["h", "histogram", 4],
  ]);
  expect(f[0]?.samples[0]?.labels).toEqual({ x: "1", y: 'q"z' });
});

test.each([
  ["no final newline", "# TYPE a gauge\na 1"],
  ["a sample before its TYPE", "a 1\n"],
  ["a bad name", "# TYPE 1a gauge\n"],
  ["an unquoted label", "# TYPE a gauge\na{x=1} 1\n"],
  ["a bad escape", '# TYPE a gauge\na{x="\\t"} 1\n'],
  ["a bad value", "# TYPE a gauge\na one\n"],
  ["a repeated series", '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n'],
  ["a counter not named _total", "# TYPE a counter\na 1\n"],
  ["a histogram without +Inf", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n'],
  ["buckets that fall", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
  ["TYPE twice", "# TYPE a gauge\n# TYPE a gauge\n"],
])("refused: %s", (_name, text) => {
  expect(() => parsePromText(text)).toThrow();
});

test.each([
  ["a_total", {}, 3],
  ["a_total", { x: "1" }, 3],
  ["a_total", { x: "2" }, 0],
  ["h_count", {}, 2],
  ["h_bucket", { le: "1" }, 1],
  ["missing", {}, 0],
] as const)("promSum %s %j = %d", (name, where, want) => {
  expect(promSum(parsePromText(ok), name, where)).toBe(want);
});
