import { describe, expect, test } from "bun:test";
import { casePattern, escapeRegex, exclusionPattern, select } from "./match.ts";
import { scanSource } from "./scan/scan-tests.ts";
import { Case } from "./schema.ts";

const imp = `import { describe, test } from "bun:test";\n`;
const files = [
  scanSource(
    "a.test.ts",
    `${imp}describe("d", () => { test("one", () => {}); test("two", () => {}); }); declare const x: string; test(\`dyn \${x}\`, () => {});`,
  ),
  scanSource("b.test.ts", `${imp}test("d one", () => {});`),
];
const mk = (c: Record<string, unknown>) =>
  Case.parse({ id: "c", label: "c", tags: ["runtime:serial"], reason: "r", ...c });

describe("select", () => {
  test("exact name across files", () => {
    const s = select(mk({ name: "d one" }), files);
    expect(s.exact.map((t) => t.file)).toEqual(["a.test.ts", "b.test.ts"]);
    expect(s.files).toEqual(["a.test.ts", "b.test.ts"]);
  });
  test("exact name in one file", () => {
    expect(select(mk({ file: "b.test.ts", name: "d one" }), files).exact.map((t) => t.file)).toEqual(["b.test.ts"]);
  });
  test("a computed name may match an exact name", () => {
    const s = select(mk({ file: "a.test.ts", name: "dyn 42" }), files);
    expect([s.exact.length, s.maybe.length]).toEqual([0, 1]);
  });
  test("filter matches known names; computed ones count only with a file", () => {
    expect(select(mk({ filter: "^d t" }), files).exact.map((t) => t.name)).toEqual(["d two"]);
    expect(select(mk({ filter: "^zzz" }), files).maybe).toEqual([]);
    expect(select(mk({ file: "a.test.ts", filter: "^zzz" }), files).maybe.length).toBe(1);
  });
  test("whole file", () => {
    const s = select(mk({ file: "a.test.ts" }), files);
    expect(s.exact.length).toBe(3);
    expect(s.files).toEqual(["a.test.ts"]);
  });
  test("missing file", () => {
    expect(select(mk({ file: "nope.test.ts" }), files)).toMatchObject({ missingFile: true, files: [] });
  });
});

describe("patterns for bun test -t", () => {
  const names = ["d one", "d two", "x (1)", "flaky net", "a.b"];
  const run = (p: string | undefined) => names.filter((n) => p === undefined || new RegExp(p).test(n));

  test("casePattern runs exactly the named test, with regex characters escaped", () => {
    expect(run(casePattern(mk({ name: "x (1)" })))).toEqual(["x (1)"]);
    expect(run(casePattern(mk({ name: "d one" })))).toEqual(["d one"]);
    expect(run(casePattern(mk({ filter: "^d " })))).toEqual(["d one", "d two"]);
    expect(casePattern(mk({ file: "a.test.ts" }))).toBeUndefined();
  });

  test("exclusionPattern runs everything else", () => {
    expect(run(exclusionPattern(["d one", "a.b"], ["flaky"]))).toEqual(["d two", "x (1)"]);
    expect(run(exclusionPattern([], ["^d"]))).toEqual(["x (1)", "flaky net", "a.b"]);
    expect(exclusionPattern([], [])).toBeUndefined();
  });

  test("escapeRegex", () => {
    expect(new RegExp(`^${escapeRegex("a.b*c?(d)[e]{f}|g^h$i\\j/k")}$`).test("a.b*c?(d)[e]{f}|g^h$i\\j/k")).toBe(true);
  });
});
