import { describe, expect, test } from "bun:test";
import { textMutations } from "./env-mutation.ts";
import { scanSource } from "./scan-tests.ts";

const cases: { src: string; want: string[] }[] = [
  { src: `process.env.HOME = "/tmp";`, want: ["process.env.X ="] },
  { src: `process.env["PRODEX_HOME"] = dir;`, want: ["process.env.X ="] },
  { src: `process.env.N ??= "1";`, want: ["process.env.X ="] },
  { src: `Bun.env.X = "1";`, want: ["process.env.X ="] },
  { src: `import.meta.env.X = "1";`, want: ["process.env.X ="] },
  { src: `process.env = { ...process.env };`, want: ["process.env ="] },
  { src: `delete process.env.CODEX_HOME;`, want: ["delete process.env"] },
  { src: `process.chdir("/");`, want: ["process.chdir("] },
  { src: `Object.assign(process.env, { A: "1" });`, want: ["Object.assign(process.env"] },
  { src: `Object.defineProperty(process.env, "A", { value: "1" });`, want: ["Object.defineProperty(process.env"] },
  // Reading, copying and passing env to a child are fine.
  {
    src: `const home = process.env.HOME; const env = { ...process.env, HOME: "/x" }; Bun.spawn(["x"], { env });`,
    want: [],
  },
  { src: `if (process.env.X === "1") {}`, want: [] },
  { src: `const env: Record<string, string> = {}; env.HOME = "/x"; Object.assign(env, process.env);`, want: [] },
];

describe("mutation detection", () => {
  for (const c of cases) {
    test(c.src, () => {
      expect(scanSource("x.test.ts", c.src).mutations.map((m) => m.kind)).toEqual(c.want);
    });
  }

  test("reports the line", () => {
    const [m] = scanSource("x.test.ts", `const a = 1;\n\nprocess.chdir("/tmp");`).mutations;
    expect(m?.line).toBe(3);
  });
});

describe("textMutations (fallback for unparsable files)", () => {
  test("finds the same writes by text", () => {
    const src = `process.env.A = "1";\ndelete process.env.B;\nprocess.chdir("/");\nObject.assign(process.env, {});\nif (process.env.C == "1") {}`;
    expect(textMutations(src).map((m) => [m.kind, m.line])).toEqual([
      ["process.env.X =", 1],
      ["delete process.env", 2],
      ["process.chdir(", 3],
      ["Object.assign(process.env", 4],
    ]);
  });
});
