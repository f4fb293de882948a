import type { ScannedFile, ScannedTest } from "./scan/scan-tests.ts";
import type { Case } from "./schema.ts";

/** What a case selects: tests whose names are known, and computed-name tests that may match. */
export type Selection = {
  exact: ScannedTest[];
  maybe: ScannedTest[];
  /** Files the case runs (its `file`, or the files of what it matched). */
  files: string[];
  /** The case names a file that is not a test file in the repo. */
  missingFile: boolean;
};

export function testKey(t: ScannedTest): string {
  return `${t.file}::${t.name}`;
}

function matchesPattern(t: ScannedTest, name: string): boolean {
  return t.pattern !== undefined && new RegExp(t.pattern).test(name);
}

/** Resolves a case against the scanned test files. */
export function select(c: Case, files: readonly ScannedFile[]): Selection {
  const pool = c.file === undefined ? files : files.filter((f) => f.file === c.file);
  const missingFile = c.file !== undefined && pool.length === 0;
  const all = pool.flatMap((f) => f.tests);
  let exact: ScannedTest[];
  let maybe: ScannedTest[] = [];
  if (c.name !== undefined) {
    const name = c.name;
    exact = all.filter((t) => t.pattern === undefined && t.name === name);
    maybe = all.filter((t) => matchesPattern(t, name));
  } else if (c.filter !== undefined) {
    const re = new RegExp(c.filter);
    exact = all.filter((t) => t.pattern === undefined && re.test(t.name));
    // A computed name can only be checked against a filter at run time: trust it when the case names its file.
    maybe = c.file !== undefined ? all.filter((t) => t.pattern !== undefined) : [];
  } else {
    exact = all;
  }
  const names = new Set([...exact, ...maybe].map((t) => t.file));
  const filesOut = c.file !== undefined ? (missingFile ? [] : [c.file]) : [...names].sort();
  return { exact, maybe, files: filesOut, missingFile };
}

/** The `bun test -t` pattern that runs exactly what the case selects (undefined: the whole file). */
export function casePattern(c: Case): string | undefined {
  if (c.name !== undefined) return `^${escapeRegex(c.name)}$`;
  return c.filter;
}

/** A `-t` pattern that runs everything except the given exact names and filters. */
export function exclusionPattern(names: readonly string[], filters: readonly string[]): string | undefined {
  if (names.length === 0 && filters.length === 0) return undefined;
  const parts: string[] = [];
  if (names.length > 0) parts.push(`(?!(?:${[...new Set(names)].map(escapeRegex).join("|")})$)`);
  for (const f of new Set(filters)) parts.push(`(?![\\s\\S]*?(?:${f}))`);
  return `^${parts.join("")}`;
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
