import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { type Agent, nativeAgentIn } from "../../../apps/cli/src/launch/agent-bin.ts";
import baseline from "../../../scripts/compat/upstream-baseline.json" with { type: "json" };
import { REPO } from "./cli-env.ts";

/**
 * The native binary of the oldest supported version of a client, installed beside the newest
 * under the npm alias the compat baseline names (root package.json: `codex-oldest`, …).
 */
export function oldestClientBin(agent: Agent): string {
  const alias = baseline.clients[agent].oldestInstall;
  const dir = join(REPO, "node_modules", alias);
  const bin = existsSync(dir) ? nativeAgentIn(agent, realpathSync(dir)) : null;
  if (!bin) throw new Error(`${alias} is not installed (root package.json); run bun install`);
  return bin;
}
