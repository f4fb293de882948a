import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, normalize, relative } from "node:path";
import { lint } from "markdownlint/promise";
import type { Configuration } from "markdownlint";

export type DocProblem = { file: string; line: number; message: string };

/**
 * Markdown rules: markdownlint's defaults, minus the ones that fight how we write docs
 * (long prose lines, inline HTML for <kbd>, bare code fences for shell output).
 */
export const markdownConfig: Configuration = {
  default: true,
  MD013: false, // line length: prose is wrapped by editors, tables cannot be
  MD033: false, // inline HTML
  MD040: false, // fence language: output blocks have none
  MD041: false, // first line heading: READMEs may start with a badge or note
  MD034: false, // bare URLs
  MD024: { siblings_only: true }, // repeated headings in different sections
  MD029: { style: "ordered" },
  MD060: false, // table column style: pipes need not line up
};

const skipDirs = new Set(["node_modules", "dist", "coverage"]);

/** Markdown files under root (repo-relative), skipping dot-folders, node_modules and fixtures. */
export async function findMarkdown(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(root, rel), { withFileTypes: true }).catch(() => [])) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !e.name.startsWith(".") && !skipDirs.has(e.name)) await walk(p);
      else if (e.isFile() && e.name.endsWith(".md")) out.push(p);
    }
  };
  await walk("");
  return out.sort();
}

/** Blanks code (fenced blocks and `spans`) so links inside examples are not checked. */
export function stripCode(text: string): string {
  const blank = (m: string): string => m.replace(/[^\n]/g, " ");
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank).replace(/`[^`\n]*`/g, blank);
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Relative links (inline and reference definitions) whose target file does not exist. */
export function brokenLinks(file: string, text: string, root: string): DocProblem[] {
  const prose = stripCode(text);
  const out: DocProblem[] = [];
  const targets: { target: string; index: number }[] = [];
  for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    if (m[1]) targets.push({ target: m[1], index: m.index });
  for (const m of prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm))
    if (m[1]) targets.push({ target: m[1], index: m.index });
  for (const { target, index } of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
    const path = decodeURIComponent(target.split("#")[0]?.split("?")[0] ?? "");
    if (!path) continue;
    const abs = path.startsWith("/") ? join(root, path) : normalize(join(root, dirname(file), path));
    if (!abs.startsWith(root))
      out.push({ file, line: lineAt(prose, index), message: `link ${target} points outside the repo` });
    else if (!existsSync(abs))
      out.push({
        file,
        line: lineAt(prose, index),
        message: `link ${target} points to a missing file (${relative(root, abs)})`,
      });
  }
  return out;
}

/** `bun run <name>` in a doc (prose or code) must name a script in the root package.json. */
export function unknownCommands(file: string, text: string, scripts: ReadonlySet<string>): DocProblem[] {
  const out: DocProblem[] = [];
  for (const m of text.matchAll(/\bbun run ([A-Za-z0-9./][^\s`'")\]]*)/g)) {
    const name = (m[1] ?? "").replace(/[.,;:]+$/, "");
    // `bun run scripts/x.ts` or `bun run file.ts` runs a file, not a script.
    if (name.includes("/") || /\.(ts|tsx|js|mjs|cjs)$/.test(name)) continue;
    if (!scripts.has(name))
      out.push({ file, line: lineAt(text, m.index), message: `\`bun run ${name}\` is not a script in package.json` });
  }
  return out;
}

export async function lintDocs(
  root: string,
  files?: readonly string[],
): Promise<{ files: string[]; problems: DocProblem[] }> {
  const list = files ? [...files] : await findMarkdown(root);
  const pkg: unknown = await Bun.file(join(root, "package.json")).json();
  const scriptsObj = typeof pkg === "object" && pkg !== null ? Reflect.get(pkg, "scripts") : undefined;
  const scripts = new Set(typeof scriptsObj === "object" && scriptsObj !== null ? Object.keys(scriptsObj) : []);
  const strings: Record<string, string> = {};
  for (const f of list) strings[f] = await Bun.file(join(root, f)).text();
  const results = await lint({ strings, config: markdownConfig });
  const problems: DocProblem[] = [];
  for (const f of list) {
    for (const e of results[f] ?? [])
      problems.push({
        file: f,
        line: e.lineNumber,
        message: `${e.ruleNames.join("/")} ${e.ruleDescription}${e.errorDetail ? ` [${e.errorDetail}]` : ""}`,
      });
    const text = strings[f] ?? "";
    problems.push(...brokenLinks(f, text, root), ...unknownCommands(f, text, scripts));
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { files: list, problems };
}
