import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { versionSchema } from "../../apps/cli/src/output/schemas/version.ts";
import { useCliEnvs } from "@prodex/testkit/cli-env";
import { SUPPORTED } from "../../apps/cli/src/launch/supported-versions.ts";

// `prodex --version`: the agents it found, without touching the database; slow or odd agents
// are bounded and cached.

const openEnv = useCliEnvs();

describe("prodex --version", () => {
  test("names prodex and the pinned agents, and creates nothing", async () => {
    const world = await openEnv([]);
    const home = join(world.dir, "fresh-prodex-home");
    const r = await world.prodex(["--version"], { env: { PRODEX_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    const [first, codex, claude] = r.stdout.trim().split("\n");
    expect(first).toMatch(/^prodex \d+\.\d+\.\d+ \(bun \d+\.\d+\.\d+, \w+-\w+\)$/);
    const { codex: x, claude: c } = SUPPORTED;
    expect(codex).toStartWith(`codex  ${x.newest} (supported ${x.oldest}–${x.newest})  bundled: `);
    expect(claude).toStartWith(`claude ${c.newest} (supported ${c.oldest}–${c.newest})  bundled: `);
    expect(existsSync(home)).toBe(false);
    expect((await world.prodex(["-V"], { env: { PRODEX_HOME: home } })).stdout).toBe(r.stdout);
  }, 60_000);

  test("an agent that never answers is cut off; one outside any package is run once, then cached", async () => {
    const world = await openEnv([]);
    const hang = join(world.dir, "hang");
    writeFileSync(hang, "#!/bin/sh\nexec sleep 60\n", { mode: 0o755 });
    const counter = join(world.dir, "runs");
    const claude = join(world.dir, "claude-bin");
    writeFileSync(claude, `#!/bin/sh\necho run >> ${counter}\necho "2.1.300 (Claude Code)"\n`, { mode: 0o755 });
    const env = { PRODEX_CODEX_BIN: hang, PRODEX_CLAUDE_BIN: claude };

    const r = await world.prodex(["--version", "--json"], { env, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    const v = versionSchema.parse(JSON.parse(r.stdout));
    expect(v.agents).toEqual([
      {
        agent: "codex",
        found: true,
        version: null,
        tested: SUPPORTED.codex.newest,
        supported: { oldest: SUPPORTED.codex.oldest, newest: SUPPORTED.codex.newest },
        source: "env",
        path: hang,
      },
      {
        agent: "claude",
        found: true,
        version: "2.1.300",
        tested: SUPPORTED.claude.newest,
        supported: { oldest: SUPPORTED.claude.oldest, newest: SUPPORTED.claude.newest },
        source: "env",
        path: claude,
      },
    ]);
    expect(readFileSync(counter, "utf8")).toBe("run\n");

    await world.prodex(["--version"], { env, timeoutMs: 20_000 });
    expect(readFileSync(counter, "utf8")).toBe("run\n");
    // A changed binary is asked again.
    utimesSync(claude, new Date(), new Date(Date.now() + 5_000));
    await world.prodex(["--version"], { env, timeoutMs: 20_000 });
    expect(readFileSync(counter, "utf8")).toBe("run\nrun\n");
  }, 60_000);
});
