import { describe, expect, test } from "bun:test";
import type { AgentInfo } from "../../launch/agent-version.ts";
import { SUPPORTED } from "../../launch/supported-versions.ts";
import { checkVersions } from "./check-versions.ts";

const { codex, claude } = SUPPORTED;
const agent = (a: "codex" | "claude", version: string | null, found = true): AgentInfo => ({
  agent: a,
  found,
  path: found ? `/bin/${a}` : null,
  source: found ? "path" : null,
  version,
  tested: SUPPORTED[a].newest,
});

describe("checkVersions", () => {
  test.each<[string, string | null, AgentInfo[], [string, string][]]>([
    [
      "the newest supported",
      "1.4.4",
      [agent("codex", codex.newest), agent("claude", claude.newest)],
      [
        ["agents.bun", "ok"],
        ["agents.codex", "ok"],
        ["agents.claude", "ok"],
      ],
    ],
    [
      "the oldest supported",
      "1.4.4",
      [agent("codex", codex.oldest), agent("claude", claude.oldest)],
      [
        ["agents.bun", "ok"],
        ["agents.codex", "ok"],
        ["agents.claude", "ok"],
      ],
    ],
    ["other patch of Bun is fine", "1.4.9", [], [["agents.bun", "ok"]]],
    ["other minor of Bun warns", "1.5.0", [], [["agents.bun", "warn"]]],
    ["not on Bun", null, [], [["agents.bun", "error"]]],
    [
      "codex missing warns, claude missing is a note",
      "1.4.4",
      [agent("codex", null, false), agent("claude", null, false)],
      [
        ["agents.bun", "ok"],
        ["agents.codex", "warn"],
        ["agents.claude", "info"],
      ],
    ],
    [
      "outside the range warns",
      "1.4.4",
      [agent("codex", "0.99.0"), agent("claude", "9.0.0")],
      [
        ["agents.bun", "ok"],
        ["agents.codex", "warn"],
        ["agents.claude", "warn"],
      ],
    ],
    [
      "version unknown warns",
      "1.4.4",
      [agent("codex", null)],
      [
        ["agents.bun", "ok"],
        ["agents.codex", "warn"],
      ],
    ],
  ])("%s", (_, bun, agents, expected) => {
    expect(checkVersions(bun, agents).map((f) => [f.id, f.severity])).toEqual(expected);
  });

  test("inside the range: ok, naming the range", () => {
    const f = checkVersions("1.4.4", [agent("codex", codex.newest)])[1];
    expect(f?.message).toBe(`Codex CLI ${codex.newest} (path; supported ${codex.oldest}–${codex.newest})`);
    expect(f?.fix).toBeNull();
  });

  test("a newer client is warned with the range and never told to downgrade without why", () => {
    const f = checkVersions("1.4.4", [agent("codex", "9.0.0")])[1];
    expect(f?.message).toBe(
      `Codex CLI 9.0.0 (path) is newer than prodex has tested (${codex.oldest}–${codex.newest}); it most likely works`,
    );
    expect(f?.fix).toMatch(/^if something misbehaves, /);
  });

  test("an older client is told to update to the newest supported", () => {
    const f = checkVersions("1.4.4", [agent("claude", "2.0.1")])[1];
    expect(f?.message).toBe(
      `Claude Code 2.0.1 (path) is older than prodex supports (${claude.oldest}–${claude.newest})`,
    );
    expect(f?.fix).toContain(`npm i -g @anthropic-ai/claude-code@${claude.newest}`);
  });

  test("a missing Codex names the install command and the demo's offer", () => {
    const f = checkVersions("1.4.4", [agent("codex", null, false)])[1];
    expect(f?.fix).toContain(`npm i -g @openai/codex@${codex.newest}`);
    expect(f?.fix).toContain("$PRODEX_HOME/agents");
  });
});
