import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHook, clientsHook, postgresHook, prebuild } from "./prebuild.ts";

const dirs: string[] = [];
function root(files: Record<string, string> = {}): string {
  const d = mkdtempSync(join(tmpdir(), "prebuild-test-"));
  dirs.push(d);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(d, rel, ".."), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("prebuild hooks", () => {
  test("postgres asks the tree's cluster kit for the server binaries; skipped in a tree without one", async () => {
    expect(await postgresHook.run(root())).toEqual({
      status: "skipped",
      detail: "no packages/testkit/src/pg-cluster.ts",
    });
    const found = root({ "packages/testkit/src/pg-cluster.ts": 'export const pgBinDir = () => "/opt/pg/bin";' });
    expect(await postgresHook.run(found)).toEqual({ status: "done", detail: "/opt/pg/bin" });
    const missing = await postgresHook.run(
      root({ "packages/testkit/src/pg-cluster.ts": "export const pgBinDir = () => null;" }),
    );
    expect(missing.status).toBe("failed");
    expect(missing.detail).toContain("apt-get install postgresql");
  });

  test("build is skipped without a build script", async () => {
    expect(await buildHook.run(root({ "package.json": "{}" }))).toEqual({
      status: "skipped",
      detail: "no build script in package.json",
    });
  });

  test("build runs the script once and reports a failure in one line", async () => {
    const ok = root({ "package.json": JSON.stringify({ scripts: { build: "echo built > out.txt" } }) });
    expect((await buildHook.run(ok)).status).toBe("done");
    expect(await Bun.file(join(ok, "out.txt")).text()).toBe("built\n");
    const bad = await buildHook.run(
      root({ "package.json": JSON.stringify({ scripts: { build: "echo nope >&2; exit 3" } }) }),
    );
    expect(bad.status).toBe("failed");
    expect(bad.detail).toMatch(/^bun run build exited 3: .*nope/);
    expect(bad.detail).not.toContain("\n");
  });

  test("client binaries: found through symlinks, or named with what to run", async () => {
    const d = root({ "bin/codex-real": "#!/bin/sh\n", "apps/cli/node_modules/.bin/claude": "#!/bin/sh\n" });
    chmodSync(join(d, "bin/codex-real"), 0o755);
    chmodSync(join(d, "apps/cli/node_modules/.bin/claude"), 0o755);
    mkdirSync(join(d, "node_modules/.bin"), { recursive: true });
    symlinkSync(join(d, "bin/codex-real"), join(d, "node_modules/.bin/codex"));
    expect(await clientsHook.run(d)).toEqual({
      status: "done",
      detail: "node_modules/.bin/codex, apps/cli/node_modules/.bin/claude",
    });
    const missing = await clientsHook.run(root());
    expect(missing.status).toBe("failed");
    expect(missing.detail).toMatch(
      /^codex and claude not installed under node_modules\/\.bin or apps\/cli\/node_modules\/\.bin; run `bun install`/,
    );
  });

  test("prebuild reports each hook and fails when one fails", async () => {
    const lines: string[] = [];
    expect(await prebuild(root({ "package.json": "{}" }), [buildHook, clientsHook], (l) => lines.push(l))).toBe(false);
    expect(lines.map((l) => l.split(" — ")[0])).toEqual([
      "  prebuild build: skipped",
      "  prebuild client-binaries: failed",
    ]);
  });
});
