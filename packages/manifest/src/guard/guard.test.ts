import { describe, expect, test } from "bun:test";
import { scanSource } from "../scan/scan-tests.ts";
import { parseManifest, type ManifestInput } from "../schema.ts";
import { checkManifest } from "./guard.ts";

const rt = "packages/proxy/test/runtime";
const imp = `import { describe, test } from "bun:test";\n`;

/** A small repo: two runtime files and a unit test file. */
const repo = [
  scanSource(
    `${rt}/rotation.test.ts`,
    `${imp}describe("rotation", () => { test("moves on 429", () => {}); test("keeps affinity", () => {}); });`,
  ),
  scanSource(
    `${rt}/stream.test.ts`,
    `${imp}test("relays events", () => {}); test("flaky reconnect", () => {}); declare const n: string; test(\`dyn \${n}\`, () => {});`,
  ),
  scanSource("packages/core/src/a.test.ts", `${imp}test("pure", () => {}); test("relays events", () => {});`),
];

const shard = { label: "runtime-proxy", filter: `${rt}/` };

function run(m: Partial<ManifestInput>, opts: { files?: typeof repo; ci?: string[] | undefined } = {}) {
  const manifest = parseManifest({ shards: [shard], cases: [], ...m }, "test");
  const ciShards = "ci" in opts ? opts.ci : manifest.shards.map((s) => s.label);
  return checkManifest({ manifest, files: opts.files ?? repo, ciShards, ciPath: ".ci/run" });
}

const serial = { tags: ["runtime:serial" as const], reason: "binds a fixed port" };

const problems: {
  name: string;
  manifest: Partial<ManifestInput>;
  code: string;
  message: RegExp;
  ci?: string[] | undefined;
}[] = [
  {
    name: "exact name matching nothing",
    manifest: { cases: [{ id: "c1", label: "c1", name: "no such test", ...serial }] },
    code: "name-unmatched",
    message: /case c1: exact name "no such test" matches no test/,
  },
  {
    name: "exact name matching two tests",
    manifest: { cases: [{ id: "c1", label: "c1", name: "relays events", ...serial }] },
    code: "name-ambiguous",
    message:
      /case c1: exact name "relays events" matches 2 tests \(packages\/proxy\/test\/runtime\/stream\.test\.ts:2, packages\/core\/src\/a\.test\.ts:2\)/,
  },
  {
    name: "filter matching nothing",
    manifest: { cases: [{ id: "c1", label: "c1", filter: "^zzz", ...serial }] },
    code: "filter-unmatched",
    message: /case c1: filter \/\^zzz\/ matches nothing/,
  },
  {
    name: "file that does not exist",
    manifest: { cases: [{ id: "c1", label: "c1", file: `${rt}/gone.test.ts`, ...serial }] },
    code: "missing-file",
    message: /case c1: file .*gone\.test\.ts is not a test file/,
  },
  {
    name: "repeated ids",
    manifest: {
      cases: [
        { id: "c1", label: "one", name: "pure", ...serial },
        { id: "c1", label: "two", name: "flaky reconnect", ...serial },
      ],
    },
    code: "duplicate-id",
    message: /case id "c1" is used more than once/,
  },
  {
    name: "repeated labels",
    manifest: {
      cases: [
        { id: "c1", label: "same", name: "pure", ...serial },
        { id: "c2", label: "same", name: "flaky reconnect", ...serial },
      ],
    },
    code: "duplicate-label",
    message: /case label "same"/,
  },
  {
    name: "two cases selecting one test",
    manifest: {
      cases: [
        { id: "c1", label: "c1", name: "flaky reconnect", ...serial },
        { id: "c2", label: "c2", filter: "flaky", ...serial },
      ],
    },
    code: "overlap",
    message: /test "flaky reconnect" .* is selected by cases c1 and c2/,
  },
  {
    name: "runtime test without shard or case",
    manifest: { shards: [] },
    code: "uncovered",
    message:
      /runtime test "rotation moves on 429" \(packages\/proxy\/test\/runtime\/rotation\.test\.ts:2\) is covered by no manifest case and no runtime shard filter/,
    ci: [],
  },
  {
    name: "shard in the manifest but not in CI",
    manifest: {},
    code: "shard-drift",
    message: /shard runtime-proxy is in the manifest but \.ci\/run does not run it/,
    ci: [],
  },
  {
    name: "shard in CI but not in the manifest",
    manifest: {},
    code: "shard-drift",
    message: /\.ci\/run runs shard runtime-extra, which the manifest does not define/,
    ci: ["runtime-proxy", "runtime-extra"],
  },
  {
    name: "CI declares no shard list",
    manifest: {},
    code: "shard-drift",
    message: /declares no RUNTIME_SHARDS/,
    ci: undefined,
  },
  {
    name: "shard outside the runtime folder",
    manifest: { shards: [{ label: "runtime-proxy", filter: "packages/core/" }] },
    code: "shard-outside",
    message: /outside the runtime test folder/,
  },
];

describe("checkManifest", () => {
  test("a shard covering the runtime folder passes", () => {
    expect(run({})).toEqual([]);
  });

  for (const p of problems) {
    test(`fails on ${p.name}`, () => {
      const found = run(p.manifest, "ci" in p ? { ci: p.ci } : {});
      expect(found.map((x) => x.code)).toContain(p.code);
      expect(found.find((x) => x.code === p.code)?.message).toMatch(p.message);
    });
  }

  test("an uncovered runtime test is reported even when others are covered by cases", () => {
    const found = run(
      {
        shards: [],
        cases: [
          { id: "rot", label: "rot", file: `${rt}/rotation.test.ts`, ...serial },
          {
            id: "relay",
            label: "relay",
            file: `${rt}/stream.test.ts`,
            name: "relays events",
            tags: ["runtime:parallel-safe"],
          },
        ],
      },
      { ci: [] },
    );
    expect(found.map((p) => p.message)).toEqual([
      `runtime test "flaky reconnect" (${rt}/stream.test.ts:2) is covered by no manifest case and no runtime shard filter`,
    ]);
  });

  test("a case naming the file covers its computed-name tests", () => {
    const found = run(
      {
        shards: [],
        cases: [
          { id: "rot", label: "rot", file: `${rt}/rotation.test.ts`, ...serial },
          { id: "s", label: "s", file: `${rt}/stream.test.ts`, filter: "relays|flaky", ...serial },
        ],
      },
      { ci: [] },
    );
    expect(found).toEqual([]);
  });

  test("exact names repeating inside a runtime file are reported", () => {
    const files = [scanSource(`${rt}/dup.test.ts`, `${imp}test("same", () => {}); test("same", () => {});`)];
    expect(run({}, { files }).map((p) => p.message)).toEqual([
      `${rt}/dup.test.ts: test name "same" is used more than once`,
    ]);
  });
});

describe("static check: process-global writes in parallel lanes", () => {
  const file = "packages/cli/test/env.test.ts";
  const src = `${imp}test("sets home", () => { process.env.HOME = "/tmp/x"; });\ntest("reads", () => {});\n`;
  const files = [...repo, scanSource(file, src)];

  test("a parallel-lane test that assigns process.env is reported with file, line and test", () => {
    const found = run({}, { files });
    expect(found.map((p) => p.code)).toEqual(["env-mutation"]);
    expect(found[0]?.message).toMatch(
      /^packages\/cli\/test\/env\.test\.ts:2: `process\.env\.X =` in test "sets home" runs in a parallel lane/,
    );
  });

  test("moving that test to a serial case clears it", () => {
    expect(
      run(
        { cases: [{ id: "home", label: "home", file, name: "sets home", tags: ["core:serial"], reason: "sets HOME" }] },
        { files },
      ),
    ).toEqual([]);
  });

  test("module-level writes stay reported while any test of the file runs in parallel", () => {
    const top = [scanSource(file, `${imp}process.chdir("/");\ntest("a", () => {});\ntest("b", () => {});`)];
    expect(
      run(
        { cases: [{ id: "a", label: "a", file, name: "a", tags: ["core:serial"], reason: "cwd" }] },
        { files: top },
      ).map((p) => p.message),
    ).toEqual([
      `${file}:2: \`process.chdir(\` outside any test (module scope, hook or helper) runs in a parallel lane; pass env to a subprocess instead, or give the test a serial case (core:serial / runtime:serial / runtime:env)`,
    ]);
  });

  test("a whole-file serial case clears module-level writes", () => {
    const top = [scanSource(file, `${imp}delete process.env.X;\ntest("a", () => {});`)];
    expect(
      run({ cases: [{ id: "a", label: "a", file, tags: ["runtime:env"], reason: "env" }] }, { files: top }),
    ).toEqual([]);
  });

  test("a parallel-safe case does not clear it", () => {
    const found = run(
      { cases: [{ id: "home", label: "home", file, name: "sets home", tags: ["runtime:parallel-safe"] }] },
      { files },
    );
    expect(found.map((p) => p.code)).toEqual(["env-mutation"]);
  });
});
