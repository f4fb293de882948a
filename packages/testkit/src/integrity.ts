import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Context, authPath, parseAuth } from "@prodex/core";

/** Each profile's auth.json text, as it was when last known good (what a fault may leave unchanged). */
export type AuthSnapshot = Map<string, string>;

/** Every profile's auth.json text now, by profile name. */
export function authSnapshot(prodexHome: string): AuthSnapshot {
  const ctx = new Context({ env: { HOME: prodexHome, PRODEX_HOME: prodexHome }, source: "test-integrity" });
  try {
    return new Map(ctx.store.profiles.list().map((p) => [p.name, readText(authPath(p.codexHome)) ?? ""]));
  } finally {
    ctx.close();
  }
}

/**
 * What a fault must never leave behind, as one line per problem (empty: intact):
 * - the store passes `PRAGMA integrity_check` and its foreign keys hold;
 * - every profile's auth.json parses as a ChatGPT login, or is byte for byte its last good content;
 * - no temp file of an interrupted atomic write, anywhere under PRODEX_HOME;
 * - no lock directory (or reclaim guard) left: every lock was released or taken over.
 */
export function integrityProblems(prodexHome: string, previous: AuthSnapshot = new Map()): string[] {
  const problems: string[] = [];
  const ctx = new Context({ env: { HOME: prodexHome, PRODEX_HOME: prodexHome }, source: "test-integrity" });
  try {
    problems.push(...ctx.store.integrityCheck().map((p) => `store: ${p}`));
    for (const p of ctx.store.profiles.list()) {
      const text = readText(authPath(p.codexHome));
      if (text === null) {
        problems.push(`${p.name}: auth.json missing`);
        continue;
      }
      const auth = parseAuth(text, `${p.name}/auth.json`);
      if (auth.kind !== "chatgpt" && text !== previous.get(p.name))
        problems.push(
          `${p.name}: auth.json is not a ChatGPT login (${auth.kind === "invalid" ? auth.reason : auth.kind})`,
        );
    }
  } finally {
    ctx.close();
  }
  for (const path of walk(prodexHome)) {
    const rel = relative(prodexHome, path);
    const name = path.split("/").at(-1) ?? "";
    if (/^\..+\.tmp$/.test(name)) problems.push(`leftover temp file ${rel}`);
    // A lock file still naming a holder: that holder died holding it (released locks are empty).
    if (/\.lock$/.test(name) && (statSync(path).isDirectory() || readFileSync(path, "utf8") !== ""))
      problems.push(`leftover lock ${rel}`);
  }
  return problems;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Every path under `dir`, not following symlinks (profile homes link to the shared Codex home). */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory() && !entry.isSymbolicLink()) out.push(...walk(path));
  }
  return out;
}
