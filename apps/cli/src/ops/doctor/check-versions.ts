import type { AgentInfo } from "../../launch/agent-version.ts";
import { TESTED_BUN, bunSupported } from "../../launch/bun-runtime.ts";
import { SUPPORTED, rangeNote } from "../../launch/supported-versions.ts";
import { type Finding, finding } from "./finding.ts";

/** Bun and both agents against the versions prodex supports. */
export function checkVersions(bun: string | null, agents: AgentInfo[]): Finding[] {
  const out: Finding[] = [];
  if (bun === null)
    out.push(
      finding(
        "agents.bun",
        "agents",
        "error",
        "not running on Bun",
        "run prodex with Bun (bunx prodex) or the compiled binary",
      ),
    );
  else if (bunSupported(bun)) out.push(finding("agents.bun", "agents", "ok", `Bun ${bun} (tested with ${TESTED_BUN})`));
  else
    out.push(
      finding(
        "agents.bun",
        "agents",
        "warn",
        `Bun ${bun}; prodex is tested with ${TESTED_BUN}`,
        `install Bun ${TESTED_BUN} (npm i -g bun@${TESTED_BUN}) or use the compiled binary`,
      ),
    );

  for (const a of agents) {
    const id = `agents.${a.agent}`;
    const r = SUPPORTED[a.agent];
    const pin = `npm i -g ${r.package}@${r.newest}, or point PRODEX_${a.agent.toUpperCase()}_BIN at one`;
    if (!a.found) {
      // Codex is what `prodex run` launches; Claude Code only matters for `prodex claude`.
      const fix = a.agent === "codex" ? `${pin} (prodex demo offers to install it into $PRODEX_HOME/agents)` : pin;
      out.push(finding(id, "agents", a.agent === "codex" ? "warn" : "info", `${r.name} not found`, fix));
    } else if (a.version === null) {
      out.push(
        finding(
          id,
          "agents",
          "warn",
          `${r.name} at ${a.path} did not tell its version`,
          `check it runs: ${a.path} --version`,
          { path: a.path ?? undefined },
        ),
      );
    } else {
      const note = rangeNote(a.agent, a.version, a.source ?? undefined);
      out.push(
        finding(id, "agents", note.verdict === "inside" ? "ok" : "warn", note.message, note.fix, {
          path: a.path ?? undefined,
        }),
      );
    }
  }
  return out;
}
