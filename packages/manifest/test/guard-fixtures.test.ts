import { describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, useFixtureTrees } from "./helpers.ts";

const tree = useFixtureTrees();

describe("ci:runtime-manifest on fixture trees", () => {
  test("a covered tree passes", async () => {
    const r = await cli(["guard"], tree("guard-ok"));
    expect(r.out).toContain("runtime manifest: ok — 1 cases, 1 shards, 2 test files, 1 runtime files with 2 tests");
    expect(r.code).toBe(0);
  });

  test("a deliberately uncovered runtime test fails, naming the test", async () => {
    const r = await cli(["guard"], tree("guard-uncovered"));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '✗ [uncovered] runtime test "stream relays every event" (packages/proxy/test/runtime/stream.test.ts:4) is covered by no manifest case and no runtime shard filter',
    );
    expect(r.out).not.toContain("rotates on 429");
  });

  test("a new runtime file appearing later is caught too", async () => {
    const dir = tree("guard-ok");
    writeFileSync(
      join(dir, "packages/proxy/test/runtime/new.test.ts"),
      `import { test } from "bun:test";\ntest("new one", () => {});\n`,
    );
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({
        shards: [{ label: "runtime-main", filter: "packages/proxy/test/runtime/rotation" }],
        cases: [
          {
            id: "home-write",
            label: "writes HOME",
            file: "packages/core/src/home.test.ts",
            name: "home writes HOME",
            tags: ["core:serial"],
            reason: "assigns HOME",
          },
        ],
      }),
    );
    const r = await cli(["guard"], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'runtime test "new one" (packages/proxy/test/runtime/new.test.ts:2) is covered by no manifest case',
    );
  });

  test("a test mutating process.env in a parallel lane is caught by the static check", async () => {
    const r = await cli(["guard"], tree("guard-env"));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '✗ [env-mutation] packages/cli/src/config.test.ts:5: `process.env.X =` in test "config reads PRODEX_HOME" runs in a parallel lane',
    );
  });

  test("process.chdir and Object.assign(process.env) are caught as well", async () => {
    const dir = tree("guard-env");
    writeFileSync(
      join(dir, "packages/cli/src/cwd.test.ts"),
      `import { test } from "bun:test";\ntest("cwd", () => { process.chdir("/"); Object.assign(process.env, { A: "1" }); delete process.env.B; });\n`,
    );
    const r = await cli(["guard"], dir);
    for (const kind of ["process.chdir(", "Object.assign(process.env", "delete process.env"])
      expect(r.out).toContain(`packages/cli/src/cwd.test.ts:2: \`${kind}\` in test "cwd"`);
  });

  test("broad shard labels drifting from .ci/run fail", async () => {
    const dir = tree("guard-ok");
    writeFileSync(join(dir, ".ci/run"), `#!/usr/bin/env bash\nRUNTIME_SHARDS="runtime-main runtime-old"\n`);
    const r = await cli(["guard"], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗ [shard-drift] .ci/run runs shard runtime-old, which the manifest does not define");
  });

  test("bad cases are each named", async () => {
    const dir = tree("guard-ok");
    const serial = { tags: ["runtime:serial"], reason: "r" };
    // A second test with the same full name, in another file.
    appendFileSync(
      join(dir, "packages/core/src/home.test.ts"),
      `\ntest("rotation moves to a ready account on 429", () => {});\n`,
    );
    const cases = [
      { id: "gone", label: "gone", name: "rotation vanished", ...serial },
      { id: "wide", label: "wide", filter: "^nothing-like-this", ...serial },
      {
        id: "gone",
        label: "again",
        file: "packages/proxy/test/runtime/rotation.test.ts",
        name: "rotation keeps a continuation on its account",
        ...serial,
      },
      { id: "twice", label: "twice", name: "rotation moves to a ready account on 429", ...serial },
    ];
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({ shards: [{ label: "runtime-main", filter: "packages/proxy/test/runtime/" }], cases }),
    );
    const r = await cli(["guard"], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('case gone: exact name "rotation vanished" matches no test');
    expect(r.out).toContain("case wide: filter /^nothing-like-this/ matches nothing");
    expect(r.out).toContain('case id "gone" is used more than once');
    expect(r.out).toContain('case twice: exact name "rotation moves to a ready account on 429" matches 2 tests');
  });

  test("an invalid manifest is one line per problem, exit 2", async () => {
    const dir = tree("guard-ok");
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({
        shards: [],
        cases: [{ id: "x", label: "x", file: "a.test.ts", tags: ["runtime:stress"], reason: "r" }],
      }),
    );
    const r = await cli(["guard"], dir);
    expect(r.code).toBe(2);
    expect(r.out.trim()).toBe(
      `${join(dir, "manifest.json")}: case x.tags: runtime:stress needs a sub-suite tag (stress, serialized, continuation)`,
    );
  });
});

describe("the guard recognises runtime tests by what they do, wherever they live", () => {
  const imp = `import { describe, test } from "bun:test";\n`;

  /** A guard-ok tree plus `files` (repo path → source) and extra manifest cases. */
  function treeWith(files: Record<string, string>, cases: unknown[] = []): string {
    const dir = tree("guard-ok");
    for (const [path, src] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), src);
    }
    const ok = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { cases: unknown[] };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...ok, cases: [...ok.cases, ...cases] }));
    return dir;
  }

  const starts = {
    "tests/flows/serve.test.ts": `${imp}import { startProxy } from "../../packages/proxy/src/server.ts";\ndescribe("flows", () => {\n  test("pure", () => {});\n  test("serves through the proxy", async () => { await startProxy({} as never); });\n});\n`,
  };

  test("caught: a test outside the runtime folder that starts the proxy, owned by nothing, fails naming the file and the test", async () => {
    const r = await cli(["guard"], treeWith(starts));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '✗ [uncovered-by-content] runtime test "flows serves through the proxy" (tests/flows/serve.test.ts:5) starts the proxy (startProxy) (line 5) but no runtime shard or manifest case owns it',
    );
    expect(r.out).not.toContain('"flows pure"');
  });

  test("passing: the same test owned by a case (any lane) is fine", async () => {
    const r = await cli(
      ["guard"],
      treeWith(starts, [
        {
          id: "flows",
          label: "flows",
          file: "tests/flows/serve.test.ts",
          name: "flows serves through the proxy",
          tags: ["runtime:serial"],
          reason: "starts a proxy",
        },
      ]),
    );
    expect(r.out).toContain("runtime manifest: ok");
    expect(r.code).toBe(0);
  });

  test("caught through a helper, a launch subprocess or a broker; a mention in a comment starts nothing", async () => {
    const dir = treeWith({
      "packages/app/test/helpers/world.ts": `export async function openWorld() { const { startProxy } = await import("x"); return startProxy({}); }\nexport const unrelated = 1;\n`,
      "packages/app/test/flow.test.ts": `${imp}import { openWorld, unrelated } from "./helpers/world.ts";\nconst world = () => openWorld();\ntest("uses the world", async () => { await world(); });\n`,
      "packages/app/test/cli.test.ts": `${imp}declare const w: { prodex(a: string[]): void };\ntest("execs", () => w.prodex(["exec", "--skip-git-repo-check", "hi"]));\ntest("lists", () => w.prodex(["profile", "list"]));\n`,
      "packages/app/test/broker.test.ts": `${imp}declare const CLI: string;\ntest("broker", () => { Bun.spawn(["bun", CLI, "__broker", "--upstream", "u"]); });\n`,
      "packages/app/src/notes.test.ts": `${imp}// startProxy( is what the runtime tests call\ntest("notes", () => {});\n`,
    });
    const r = await cli(["guard"], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'runtime test "uses the world" (packages/app/test/flow.test.ts:4) calls openWorld (packages/app/test/helpers/world.ts starts runtime machinery)',
    );
    expect(r.out).toContain('runtime test "execs" (packages/app/test/cli.test.ts:3) runs prodex exec');
    expect(r.out).not.toContain('"lists"');
    expect(r.out).toContain('runtime test "broker" (packages/app/test/broker.test.ts:3) starts a broker');
    expect(r.out).not.toContain("notes.test.ts");
  });
});
