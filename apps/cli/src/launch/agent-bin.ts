import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { probeVersion, versionFromInstall } from "./package-version.ts";
import { type Agent, SUPPORTED } from "./supported-versions.ts";

// Which Codex / Claude Code binary prodex runs: the env override, else the version prodex
// depends on (pinned: the newest supported), else the one `prodex demo` installed into
// $PRODEX_HOME/agents (the compiled binary has no node_modules), else whatever is on PATH.

export type { Agent } from "./supported-versions.ts";

/** The version each client is pinned to: the newest of its supported range. */
export const TESTED: Readonly<Record<Agent, string>> = {
  codex: SUPPORTED.codex.newest,
  claude: SUPPORTED.claude.newest,
};

export type AgentBin = { path: string; source: "env" | "bundled" | "agents" | "path"; agent: Agent };

const require = createRequire(import.meta.url);
// The compiled binary's modules live in Bun's virtual /$bunfs: no node_modules beside them, so
// the bundled lookup is skipped (it would only cost `prodex --version` a resolver start-up).
const COMPILED = import.meta.url.includes("$bunfs");

/** Where prodex installs agents itself (`prodex demo --install-agent`: npm install in this dir). */
export function agentsDir(env: Record<string, string | undefined>): string {
  return join(resolve(env.PRODEX_HOME || join(env.HOME || homedir(), ".prodex")), "agents");
}

function codexTriple(): { pkg: string; triple: string } | null {
  const arch = process.arch === "x64" ? "x64" : process.arch === "arm64" ? "arm64" : null;
  if (!arch) return null;
  if (process.platform === "linux")
    return {
      pkg: `@openai/codex-linux-${arch}`,
      triple: `${arch === "x64" ? "x86_64" : "aarch64"}-unknown-linux-musl`,
    };
  if (process.platform === "darwin")
    return { pkg: `@openai/codex-darwin-${arch}`, triple: `${arch === "x64" ? "x86_64" : "aarch64"}-apple-darwin` };
  return null;
}

/**
 * An agent npm-installed into `dir` (hoisted or nested), by path: no module resolution, whose
 * cache would still say "missing" right after `prodex demo` installed it.
 */
function installedAgent(agent: Agent, dir: string): string | null {
  const modules = [
    join(dir, "node_modules"),
    join(dir, "node_modules", agent === "codex" ? "@openai/codex" : "@anthropic-ai/claude-code", "node_modules"),
  ];
  const candidates: string[] = [];
  if (agent === "codex") {
    const t = codexTriple();
    if (t) candidates.push(...modules.map((m) => join(m, t.pkg, "vendor", t.triple, "bin", "codex")));
  } else if (
    (process.arch === "x64" || process.arch === "arm64") &&
    (process.platform === "linux" || process.platform === "darwin")
  ) {
    candidates.push(
      ...modules.map((m) => join(m, `@anthropic-ai/claude-code-${process.platform}-${process.arch}`, "claude")),
    );
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

/**
 * The native executable of a client npm package installed at `root` (its platform package
 * resolved from there), or null. Also finds the older versions installed side by side under
 * npm aliases (compat:check, the oldest-version tests).
 */
export function nativeAgentIn(agent: Agent, root: string): string | null {
  const req = createRequire(join(root, "package.json"));
  try {
    if (agent === "codex") {
      const t = codexTriple();
      if (!t) return null;
      const native = join(dirname(req.resolve(`${t.pkg}/package.json`)), "vendor", t.triple, "bin", "codex");
      return existsSync(native) ? native : null;
    }
    const arch = process.arch === "x64" || process.arch === "arm64" ? process.arch : null;
    const os = process.platform === "linux" || process.platform === "darwin" ? process.platform : null;
    if (!arch || !os) return null;
    const native = join(dirname(req.resolve(`@anthropic-ai/claude-code-${os}-${arch}/package.json`)), "claude");
    return existsSync(native) ? native : null;
  } catch {
    return null;
  }
}

function bundledCodex(): string | null {
  try {
    const root = dirname(require.resolve("@openai/codex/package.json"));
    // The native binary directly: saves a Node start and keeps signals simple.
    const native = nativeAgentIn("codex", root);
    if (native) return native;
    const js = join(root, "bin", "codex.js");
    return existsSync(js) ? js : null;
  } catch {
    return null;
  }
}

function bundledClaude(): string | null {
  try {
    const root = dirname(require.resolve("@anthropic-ai/claude-code/package.json"));
    // The wrapper's bin/claude.exe is a shell placeholder until its postinstall copies the
    // platform binary over it (Bun skips dependency postinstalls), so go to the platform package.
    const native = nativeAgentIn("claude", root);
    if (native) return native;
    const wrapper = join(root, "bin", "claude.exe");
    return existsSync(wrapper) && statSync(wrapper).size > 1_000_000 ? wrapper : null;
  } catch {
    return null;
  }
}

export function resolveAgentBin(agent: Agent, env: Record<string, string | undefined>): AgentBin | null {
  const override = agent === "codex" ? env.PRODEX_CODEX_BIN : env.PRODEX_CLAUDE_BIN;
  if (override) return { path: override, source: "env", agent };
  const bundled = COMPILED ? null : agent === "codex" ? bundledCodex() : bundledClaude();
  if (bundled) return { path: bundled, source: "bundled", agent };
  const installed = installedAgent(agent, agentsDir(env));
  if (installed) return { path: installed, source: "agents", agent };
  const onPath = Bun.which(agent === "codex" ? "codex" : "claude", { PATH: env.PATH ?? "" });
  return onPath ? { path: onPath, source: "path", agent } : null;
}

/** `codex --version` → "0.169.0" (read off its package when possible); null when it cannot be run. */
export async function agentVersion(bin: AgentBin): Promise<string | null> {
  const known = versionFromInstall(bin.path);
  if (known) return known;
  return probeVersion(bin.path, 5_000);
}
