import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "@prodex/core";
import { type AgentBin, TESTED, agentsDir, resolveAgentBin } from "../launch/agent-bin.ts";
import type { Io } from "../output/io.ts";

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
async function confirm(question: string): Promise<boolean> {
  process.stderr.write(`${question} [y/N] `);
  for await (const line of console) return /^\s*y(es)?\s*$/i.test(line);
  return false;
}

/**
 * `npm install @openai/codex@<tested>` inside the agents dir (its own package.json; not
 * `--prefix`, which would also move npm's global config — and a CA file set there — away).
 */
export async function installCodex(io: Io): Promise<AgentBin> {
  const dir = agentsDir(io.env);
  const npm = Bun.which("npm", { PATH: io.env.PATH ?? "" });
  if (!npm)
    throw new UsageError(
      "installing Codex needs npm, and npm is not on PATH",
      `install Node.js (it brings npm), or install Codex yourself and set PRODEX_CODEX_BIN`,
    );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest))
    writeFileSync(
      manifest,
      `${JSON.stringify({ name: "prodex-agents", private: true, description: "agents installed by prodex demo" })}\n`,
    );
  io.note(`installing @openai/codex@${TESTED.codex} into ${dir} …`);
  // stdout too goes to stderr: prodex's stdout carries only answers.
  const proc = Bun.spawn(
    [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", `@openai/codex@${TESTED.codex}`],
    { cwd: dir, env: io.env, stdin: "ignore", stdout: 2, stderr: "inherit" },
  );
  const code = await proc.exited;
  if (code !== 0)
    throw new UsageError(
      `npm install @openai/codex@${TESTED.codex} failed (exit ${code})`,
      "check your connection to the npm registry and retry, or set PRODEX_CODEX_BIN",
    );
  const bin = resolveAgentBin("codex", io.env);
  if (!bin)
    throw new UsageError(
      `npm installed @openai/codex into ${dir}, but no Codex binary for ${process.platform}-${process.arch} was found there`,
      "install Codex yourself and set PRODEX_CODEX_BIN",
    );
  io.note(`Codex ${TESTED.codex} installed: ${bin.path}`);
  return bin;
}

/**
 * The Codex binary the demo runs. On a fresh machine (the compiled binary has no node_modules)
 * there may be none: explain, and install the tested version into $PRODEX_HOME/agents when the
 * user agrees (or passed --install-agent). Never waits for input without a terminal.
 */
export async function ensureCodex(io: Io, o: { install: boolean; interactive: boolean }): Promise<AgentBin> {
  const found = resolveAgentBin("codex", io.env);
  if (found) return found;
  const dir = agentsDir(io.env);
  const how = `prodex demo --install-agent (npm install @openai/codex@${TESTED.codex} into ${dir}), or npm i -g @openai/codex@${TESTED.codex}`;
  if (o.install) return installCodex(io);
  if (!o.interactive)
    throw new UsageError(
      "the demo runs the real Codex CLI, and none was found (not bundled, not in $PRODEX_HOME/agents, not on PATH)",
      how,
    );
  io.err(
    `prodex demo runs the real Codex CLI, and none was found on this machine.\nprodex can install the version it is tested with (@openai/codex@${TESTED.codex}) into ${dir} with npm.`,
  );
  if (!(await confirm("Install it now?"))) throw new UsageError("the demo needs the Codex CLI", how);
  return installCodex(io);
}
