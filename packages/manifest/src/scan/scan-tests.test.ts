import { describe, expect, test } from "bun:test";
import { scanSource } from "./scan-tests.ts";

/** Names (or `RE pattern` for computed ones) a source registers. */
function names(src: string, file = "x.test.ts"): string[] {
  const r = scanSource(file, src);
  if (r.parseError) throw new Error(r.parseError);
  return r.tests.map((t) => (t.pattern ? `RE ${t.pattern}` : t.name));
}

const head = `import { describe, expect, test, it } from "bun:test";\n`;

const cases: { name: string; src: string; want: string[] }[] = [
  { name: "plain test and it", src: `test("a", () => {}); it("b", () => {});`, want: ["a", "b"] },
  {
    name: "nested describes join with spaces",
    src: `describe("outer", () => { describe("inner", () => { test("x", () => {}); }); test("y", () => {}); });`,
    want: ["outer inner x", "outer y"],
  },
  {
    name: "modifiers keep the name",
    src: `test.skip("s", () => {}); test.only("o", () => {}); test.todo("t"); test.failing("f", () => {}); describe.skip("d", () => { it.concurrent("c", () => {}); });`,
    want: ["s", "o", "t", "f", "d c"],
  },
  {
    name: "conditional factories",
    src: `test.if(true)("i", () => {}); test.skipIf(false)("k", () => {}); describe.if(true)("d", () => { test("x", () => {}); });`,
    want: ["i", "k", "d x"],
  },
  {
    name: "aliased import",
    src: `import { test as check, describe as group } from "bun:test"; group("g", () => { check("c", () => {}); });`,
    want: ["g c"],
  },
  { name: "template literal without substitutions", src: "test(`tpl`, () => {});", want: ["tpl"] },
  {
    name: "constant strings and concatenation",
    src: `const P = "pre"; test(P + " fix", () => {}); test(\`\${P}-t\`, () => {});`,
    want: ["pre fix", "pre-t"],
  },
  {
    name: "for-of over a const table",
    src: `const cases = [{ name: "one" }, { name: "two" }] as const; for (const c of cases) test(c.name, () => {});`,
    want: ["one", "two"],
  },
  {
    name: "for-of with destructuring and arithmetic",
    src: `const S = 1000; const t: [number, string][] = [[2 * S, "2s"], [-5, "0s"]]; for (const [ms, want] of t) test(\`\${ms}ms → \${want}\`, () => {});`,
    want: ["2000ms → 2s", "-5ms → 0s"],
  },
  {
    name: "forEach over a table",
    src: `["a", "b"].forEach((n) => test(\`n=\${n}\`, () => {}));`,
    want: ["n=a", "n=b"],
  },
  {
    name: "fallback with ||",
    src: `for (const n of ["x", ""]) test(n || "(empty)", () => {});`,
    want: ["x", "(empty)"],
  },
  {
    name: "test.each with a literal table and %s",
    src: `describe("p", () => { test.each([["first", 1], ["second", 2]])("%s", (n, v) => {}); });`,
    want: ["p first", "p second"],
  },
  {
    name: "test.each with $name",
    src: `const rows = [{ name: "r1" }, { name: "r2" }]; test.each(rows)("row $name", (r) => {});`,
    want: ["row r1", "row r2"],
  },
  {
    name: "test.each with an unknown table",
    src: `declare const rows: unknown[]; test.each(rows)("row %s", () => {});`,
    want: ["RE ^row .*$"],
  },
  {
    name: "computed name becomes a pattern",
    src: `declare function f(): string; describe("d", () => { test(f(), () => {}); test(\`x \${f()} y\`, () => {}); });`,
    want: ["RE ^d .*$", "RE ^d x .* y$"],
  },
  {
    name: "regex characters in names are escaped in patterns",
    src: `declare const v: string; test(\`a.b (\${v})\`, () => {});`,
    want: ["RE ^a\\.b \\(.*\\)$"],
  },
  {
    name: "describe.each titles",
    src: `describe.each([["A"], ["B"]])("suite %s", (x) => { test("t", () => {}); });`,
    want: ["suite A t", "suite B t"],
  },
  {
    name: "non-test calls are ignored",
    src: `function test2() {} test2(); expect(1).toBe(1); foo.test("x");`,
    want: [],
  },
];

describe("scanSource", () => {
  for (const c of cases) test(c.name, () => expect(names(head + c.src)).toEqual(c.want));

  test("tsx files parse JSX", () => {
    expect(names(`${head}const el = <div>hi</div>; test("renders", () => {});`, "x.test.tsx")).toEqual(["renders"]);
  });

  test("records line and the call's source range", () => {
    const src = `${head}\ntest("a", () => {\n  1;\n});\n`;
    const [t] = scanSource("x.test.ts", src).tests;
    expect(t?.line).toBe(3);
    expect(src.slice(t?.start, t?.end)).toBe(`test("a", () => {\n  1;\n})`);
  });

  test("a file the parser rejects still gets its mutations checked", () => {
    const r = scanSource("x.test.ts", `test("a", () => { process.env.X = "1"; ))))`);
    expect(r.parseError).toBeString();
    expect(r.mutations.map((m) => m.kind)).toEqual(["process.env.X ="]);
  });
});
