import { describe, expect, test } from "bun:test";
import type { AgentInfo } from "../../launch/agent-version.ts";
import { checkVersions } from "./check-versions.ts";

const agent = (a: "codex" | "claude", version: string | null, found = true): AgentInfo => ({ agent: a, found, path: found ? `/bin/${a}` : null, source: found ? "path" : null, version, tested: a === "codex" ? "0.169.0" : "2.1.197" });

describe("checkVersions", () => {
  test.each<[string, string | null, AgentInfo[], [string, string][]]>([
    ["all tested", "1.4.4", [agent("codex", "0.169.0"), agent("claude", "2.1.197")], [["agents.bun", "ok"], ["agents.codex", "ok"], ["agents.claude", "ok"]]],
    ["other patch of Bun is fine", "1.4.9", [], [["agents.bun", "ok"]]],
    ["other minor of Bun warns", "1.5.0", [], [["agents.bun", "warn"]]],
    ["not on Bun", null, [], [["agents.bun", "error"]]],
    ["codex missing warns, claude missing is a note", "1.4.4", [agent("codex", null, false), agent("claude", null, false)], [["agents.bun", "ok"], ["agents.codex", "warn"], ["agents.claude", "info"]]],
    ["drifted versions warn", "1.4.4", [agent("codex", "0.170.0"), agent("claude", "2.0.1")], [["agents.bun", "ok"], ["agents.codex", "warn"], ["agents.claude", "warn"]]],
    ["version unknown warns", "1.4.4", [agent("codex", null)], [["agents.bun", "ok"], ["agents.codex", "warn"]]],
  ])("%s", (_, bun, agents, expected) => {
    expect(checkVersions(bun, agents).map((f) => [f.id, f.severity])).toEqual(expected);
  });

  test("a missing Codex names the install command and the demo's offer", () => {
    const f = checkVersions("1.4.4", [agent("codex", null, false)])[1];
    expect(f?.fix).toContain("npm i -g @openai/codex@0.169.0");
    expect(f?.fix).toContain("$PRODEX_HOME/agents");
  });
});
