import { type AgentInfo, agentVersions } from "../launch/agent-version.ts";
import { SUPPORTED, rangeLabel, versionVerdict } from "../launch/supported-versions.ts";
import type { VersionJson } from "../output/schemas/version.ts";
import { VERSION } from "../version.ts";

// `prodex --version`: loaded by main.ts before anything else, so it imports nothing heavy.

export function versionJson(agents: AgentInfo[]): VersionJson {
  return {
    schema: "prodex.version/v1",
    prodex: VERSION,
    bun: process.versions.bun ?? null,
    platform: `${process.platform}-${process.arch}`,
    agents: agents.map((a) => {
      const { oldest, newest } = SUPPORTED[a.agent];
      return {
        agent: a.agent,
        found: a.found,
        version: a.version,
        tested: a.tested,
        supported: { oldest, newest },
        source: a.source,
        path: a.path,
      };
    }),
  };
}

export function versionText(agents: AgentInfo[]): string {
  const lines = [`prodex ${VERSION} (bun ${process.versions.bun ?? "?"}, ${process.platform}-${process.arch})`];
  for (const a of agents) {
    const name = a.agent.padEnd(6);
    const r = SUPPORTED[a.agent];
    if (!a.found) {
      lines.push(
        `${name} not found (npm i -g ${r.package}@${r.newest}, or set PRODEX_${a.agent.toUpperCase()}_BIN; supported ${rangeLabel(r)})`,
      );
      continue;
    }
    const verdict = a.version ? versionVerdict(a.version, r) : "unknown";
    const where =
      verdict === "older"
        ? "older than supported "
        : verdict === "newer"
          ? "newer than tested; supported "
          : "supported ";
    lines.push(`${name} ${a.version ?? "unknown version"} (${where}${rangeLabel(r)})  ${a.source}: ${a.path}`);
  }
  return lines.join("\n");
}

export async function printVersion(options: {
  json: boolean;
  env: Record<string, string | undefined>;
}): Promise<number> {
  const agents = await agentVersions(options.env);
  process.stdout.write(`${options.json ? JSON.stringify(versionJson(agents)) : versionText(agents)}\n`);
  return 0;
}
