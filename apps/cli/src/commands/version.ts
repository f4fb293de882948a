import { type AgentInfo, agentVersions } from "../launch/agent-version.ts";
import type { VersionJson } from "../output/schemas/version.ts";
import { VERSION } from "../version.ts";

// `prodex --version`: loaded by main.ts before anything else, so it imports nothing heavy.

export function versionJson(agents: AgentInfo[]): VersionJson {
  return {
    schema: "prodex.version/v1",
    prodex: VERSION,
    bun: process.versions.bun ?? null,
    platform: `${process.platform}-${process.arch}`,
    agents: agents.map((a) => ({ agent: a.agent, found: a.found, version: a.version, tested: a.tested, source: a.source, path: a.path })),
  };
}

export function versionText(agents: AgentInfo[]): string {
  const lines = [`prodex ${VERSION} (bun ${process.versions.bun ?? "?"}, ${process.platform}-${process.arch})`];
  const pkg = { codex: "@openai/codex", claude: "@anthropic-ai/claude-code" } as const;
  for (const a of agents) {
    const name = a.agent.padEnd(6);
    if (!a.found) {
      lines.push(`${name} not found (npm i -g ${pkg[a.agent]}@${a.tested}, or set PRODEX_${a.agent.toUpperCase()}_BIN)`);
      continue;
    }
    const drift = a.version && a.version !== a.tested ? ` (tested with ${a.tested})` : "";
    lines.push(`${name} ${a.version ?? "unknown version"}${drift}  ${a.source}: ${a.path}`);
  }
  return lines.join("\n");
}

export async function printVersion(options: { json: boolean; env: Record<string, string | undefined> }): Promise<number> {
  const agents = await agentVersions(options.env);
  process.stdout.write(`${options.json ? JSON.stringify(versionJson(agents)) : versionText(agents)}\n`);
  return 0;
}
