import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { LocalStateError, withFileLock, writeFileAtomic } from "@prodex/core";
import { isRecord } from "@prodex/guards";
import { isVendorVar } from "./claude-launch.ts";

// The prodex-managed CLAUDE_CONFIG_DIR ($PRODEX_HOME/claude). Claude Code's state that follows the
// user (transcripts, history, commands, agents, skills, plugins) is linked from their own Claude
// home; the global config (.claude.json: trusted folders, MCP servers) and settings.json are
// imported once, without another vendor's credentials or routing, and are prodex's from then on.

/** Linked, not copied: shared both ways with a plain `claude`. */
export const SHARED_ENTRIES = [
  "projects",
  "history.jsonl",
  "todos",
  "plans",
  "commands",
  "agents",
  "skills",
  "plugins",
  "output-styles",
  "CLAUDE.md",
  "keybindings.json",
] as const;

const MARKER = ".prodex-import.json";
const KEEP_APPROVED = 20;

export type ClaudeSource = { dir: string; json: string };
export type JsonObject = Record<string, unknown>;

/** The user's own Claude home, resolved the way Claude Code resolves it. */
export function claudeSource(env: Record<string, string | undefined>, managedDir: string): ClaudeSource {
  const home = env.HOME || homedir();
  const custom = env.CLAUDE_CONFIG_DIR ? resolve(env.CLAUDE_CONFIG_DIR) : null;
  // A prodex claude started inside another one inherits the managed dir: that is not the user's home.
  if (custom && custom !== resolve(managedDir)) return { dir: custom, json: join(custom, ".claude.json") };
  return { dir: join(home, ".claude"), json: join(home, ".claude.json") };
}

function withoutVendorEnv(env: unknown): JsonObject | undefined {
  if (!isRecord(env)) return undefined;
  return Object.fromEntries(Object.entries(env).filter(([k]) => !isVendorVar(k)));
}

/** `.claude.json` without Anthropic credentials, old key approvals or routing variables. */
export function sanitizeGlobalConfig(config: JsonObject): JsonObject {
  const { primaryApiKey: _key, oauthAccount: _oauth, customApiKeyResponses: _approvals, env, ...rest } = config;
  const clean = withoutVendorEnv(env);
  return clean ? { ...rest, env: clean } : rest;
}

/** `settings.json` without key helpers, cloud credential hooks, forced logins or routing variables. */
export function sanitizeSettings(settings: JsonObject): JsonObject {
  const {
    apiKeyHelper: _h,
    awsAuthRefresh: _a,
    awsCredentialExport: _e,
    gcpAuthRefresh: _g,
    forceLoginMethod: _m,
    forceLoginOrgUUID: _o,
    env,
    ...rest
  } = settings;
  const clean = withoutVendorEnv(env);
  return clean ? { ...rest, env: clean } : rest;
}

/**
 * The launch's key approved (Claude Code keeps the last 20 characters) and onboarding marked done,
 * so an interactive start shows neither the first-run wizard nor "Do you want to use this API key?".
 * Recent approvals are kept for other prodex launches running at the same time.
 */
export function approveKey(config: JsonObject, key: string): JsonObject {
  const suffix = key.slice(-20);
  const responses = isRecord(config.customApiKeyResponses) ? config.customApiKeyResponses : {};
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const approved = [...strings(responses.approved).filter((k) => k !== suffix), suffix].slice(-KEEP_APPROVED);
  const rejected = strings(responses.rejected).filter((k) => k !== suffix);
  const { primaryApiKey: _key, oauthAccount: _oauth, env, ...rest } = config;
  const clean = withoutVendorEnv(env);
  return {
    ...rest,
    ...(clean ? { env: clean } : {}),
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved, rejected },
  };
}

function readJson(path: string): JsonObject | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export type PrepareResult = { imported: string[]; linked: string[]; notes: string[] };

/** Creates the managed dir, imports once, and links shared state that is not there yet. */
export function prepareClaudeHome(dir: string, source: ClaudeSource): PrepareResult {
  const result: PrepareResult = { imported: [], linked: [], notes: [] };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const managedJson = join(dir, ".claude.json");
  if (!existsSync(join(dir, MARKER))) {
    if (existsSync(source.json) && !present(managedJson)) {
      const config = readJson(source.json);
      if (config) {
        writeFileAtomic(managedJson, `${JSON.stringify(sanitizeGlobalConfig(config), null, 2)}\n`);
        result.imported.push(source.json);
      } else result.notes.push(`${source.json} is not a JSON object; Claude Code starts with a fresh config`);
    }
    const settings = join(source.dir, "settings.json");
    if (existsSync(settings) && !present(join(dir, "settings.json"))) {
      const parsed = readJson(settings);
      if (parsed) {
        writeFileAtomic(join(dir, "settings.json"), `${JSON.stringify(sanitizeSettings(parsed), null, 2)}\n`);
        result.imported.push(settings);
      } else result.notes.push(`${settings} is not a JSON object; not imported`);
    }
    writeFileAtomic(join(dir, MARKER), `${JSON.stringify({ importedAt: new Date().toISOString(), from: source })}\n`);
  }
  for (const entry of SHARED_ENTRIES) {
    const target = join(source.dir, entry);
    const link = join(dir, entry);
    if (!existsSync(target) || present(link)) continue;
    try {
      symlinkSync(target, link);
      result.linked.push(entry);
    } catch (cause) {
      // Another launch linked it first, or the filesystem refuses links: Claude then keeps its own copy.
      if (!present(link))
        result.notes.push(
          `could not link ${link} → ${target} (${cause instanceof Error ? cause.message : String(cause)})`,
        );
    }
  }
  return result;
}

/** Approves this launch's key in the managed `.claude.json`, under the lock Claude Code itself takes. */
export async function approveLaunchKey(dir: string, key: string): Promise<void> {
  const path = join(dir, ".claude.json");
  await withFileLock(path, async () => {
    const current = existsSync(path) ? readJson(path) : {};
    // Never write over a config Claude Code could not read either: the user's trust and MCP settings live there.
    if (!current)
      throw new LocalStateError(
        `${path} is not a JSON object`,
        `fix it, or move it away to let Claude Code start fresh`,
      );
    writeFileAtomic(path, `${JSON.stringify(approveKey(current, key), null, 2)}\n`);
  });
}
