import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";

// An agent's version without running it: the npm package it was installed from (the pinned
// and PATH installs), or the file name of a native install (`…/claude/versions/2.1.197`).
// Running `claude --version` costs 0.5–1.5 s; this costs a few file reads.

const AGENT_PACKAGE = /^(@openai\/codex|@anthropic-ai\/claude-code)(-[a-z0-9-]+)?$/;
// Codex's platform packages are aliases versioned "0.169.0-linux-x64".
const PLATFORM_SUFFIX = /-(linux|darwin|win32)-(x64|arm64)(-musl)?$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/;

function packageAt(dir: string): { name: string; version: string } | null {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return null;
  try {
    const json: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof json !== "object" || json === null) return null;
    const name = "name" in json ? json.name : undefined;
    const version = "version" in json ? json.version : undefined;
    return typeof name === "string" && typeof version === "string" ? { name, version } : null;
  } catch {
    return null;
  }
}

/** "0.169.0-linux-x64" → "0.169.0"; prereleases ("0.170.0-alpha.1") are kept. */
export function cleanVersion(version: string): string {
  return version.replace(PLATFORM_SUFFIX, "");
}

/** The version of the agent installed at `path`, or null when it cannot be told without running it. */
export function versionFromInstall(path: string): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  if (SEMVER.test(basename(real))) return basename(real);
  let dir = dirname(real);
  for (let i = 0; i < 6; i++) {
    const pkg = packageAt(dir);
    if (pkg) return AGENT_PACKAGE.test(pkg.name) ? cleanVersion(pkg.version) : null;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Runs `<bin> --version` with a deadline; the first x.y.z on stdout, or null. */
export async function probeVersion(path: string, timeoutMs: number): Promise<string | null> {
  try {
    const proc = Bun.spawn([path, "--version"], { stdout: "pipe", stderr: "ignore", stdin: "ignore" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    const text = await new Response(proc.stdout).text();
    clearTimeout(timer);
    await proc.exited;
    return text.match(/\d+\.\d+\.\d+[\w.-]*/)?.[0] ?? null;
  } catch {
    return null;
  }
}
