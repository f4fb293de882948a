import type { AgentInfo } from "../../launch/agent-version.ts";
import { TESTED_BUN, bunSupported } from "../../launch/bun-runtime.ts";
import { type Finding, finding } from "./finding.ts";

const PACKAGE = { codex: "@openai/codex", claude: "@anthropic-ai/claude-code" } as const;
const NAME = { codex: "Codex CLI", claude: "Claude Code" } as const;

/** Bun and both agents against the versions prodex is tested with. */
export function checkVersions(bun: string | null, agents: AgentInfo[]): Finding[] {
  const out: Finding[] = [];
  if (bun === null) out.push(finding("agents.bun", "agents", "error", "not running on Bun", "run prodex with Bun (bunx prodex) or the compiled binary"));
  else if (bunSupported(bun)) out.push(finding("agents.bun", "agents", "ok", `Bun ${bun} (tested with ${TESTED_BUN})`));
  else out.push(finding("agents.bun", "agents", "warn", `Bun ${bun}; prodex is tested with ${TESTED_BUN}`, `install Bun ${TESTED_BUN} (npm i -g bun@${TESTED_BUN}) or use the compiled binary`));

  for (const a of agents) {
    const id = `agents.${a.agent}`;
    const pin = `npm i -g ${PACKAGE[a.agent]}@${a.tested}, or point PRODEX_${a.agent.toUpperCase()}_BIN at one`;
    if (!a.found) {
      // Codex is what `prodex run` launches; Claude Code only matters for `prodex claude`.
      const fix = a.agent === "codex" ? `${pin} (prodex demo offers to install it into $PRODEX_HOME/agents)` : pin;
      out.push(finding(id, "agents", a.agent === "codex" ? "warn" : "info", `${NAME[a.agent]} not found`, fix));
    } else if (a.version === null) {
      out.push(finding(id, "agents", "warn", `${NAME[a.agent]} at ${a.path} did not tell its version`, `check it runs: ${a.path} --version`, { path: a.path ?? undefined }));
    } else if (a.version !== a.tested) {
      out.push(finding(id, "agents", "warn", `${NAME[a.agent]} ${a.version} (${a.source}); prodex is tested with ${a.tested}`, pin, { path: a.path ?? undefined }));
    } else {
      out.push(finding(id, "agents", "ok", `${NAME[a.agent]} ${a.version} (${a.source})`, null, { path: a.path ?? undefined }));
    }
  }
  return out;
}
