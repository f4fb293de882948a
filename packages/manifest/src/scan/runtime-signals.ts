import { dirname, join, normalize } from "node:path";

// What makes a test a runtime test, whatever folder it sits in: it starts the proxy or a
// broker, or runs `prodex serve|run|exec|claude` as a subprocess (each of which binds sockets
// against the mock). Found in the text, directly or through a helper imported from a module that
// does one of these. Such a test must be owned by a runtime shard or a manifest case.

/** One place in a file that starts runtime machinery. */
export type Signal = { what: string; offset: number; line: number };

const DIRECT: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/\bstartProxy\s*\(/g, () => "starts the proxy (startProxy)"],
  [/\brunBroker\s*\(|fixtures\/broker-process\.ts|\bCLI\s*,\s*["']__broker["']/g, () => "starts a broker"],
  [/\(\s*\[\s*["'](serve|run|exec|claude)["']/g, (m) => `runs prodex ${m[1]}`],
  [/\bCLI\s*,\s*["'](serve|run|exec|claude)["']/g, (m) => `runs prodex ${m[1]}`],
];

function lineAt(src: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

/** Direct signals in `src`. */
export function directSignals(src: string): Signal[] {
  const out: Signal[] = [];
  for (const [re, what] of DIRECT) {
    for (const m of src.matchAll(re)) out.push({ what: what(m), offset: m.index, line: lineAt(src, m.index) });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Calls in `src` to helpers known to start runtime machinery (names imported from such modules). */
export function helperSignals(src: string, helpers: ReadonlyMap<string, string>): Signal[] {
  const out: Signal[] = [];
  for (const [name, from] of helpers) {
    for (const m of src.matchAll(new RegExp(`\\b${name}\\s*\\(`, "g"))) {
      out.push({
        what: `calls ${name} (${from} starts runtime machinery)`,
        offset: m.index,
        line: lineAt(src, m.index),
      });
    }
  }
  return out;
}

/** Named imports of `src` from modules inside the repo: `{ name → module path (repo-relative) }`. */
export function repoImports(file: string, src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of src.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)) {
    if (/^\s*type\b/.test(m[0].slice(6))) continue;
    const module = resolveModule(file, m[2] as string);
    if (!module) continue;
    for (const spec of (m[1] as string).split(",")) {
      const s = spec.trim();
      if (!s || s.startsWith("type ")) continue;
      const local = s
        .split(/\s+as\s+/)
        .at(-1)
        ?.trim();
      if (local && /^[A-Za-z_$][\w$]*$/.test(local)) out.set(local, module);
    }
  }
  return out;
}

/**
 * A test-support module the import names, as a repo-relative file: `@prodex/testkit/<name>`, or a
 * relative import inside a `test/` or `tests/` folder. Production modules are not helpers (they
 * mention the broker's entry to build its command line, which starts nothing).
 */
function resolveModule(file: string, spec: string): string | null {
  if (spec.startsWith(".")) {
    const p = normalize(join(dirname(file), spec));
    if (!/(^|\/)tests?\//.test(p)) return null;
    return p.endsWith(".ts") || p.endsWith(".tsx") ? p : `${p}.ts`;
  }
  const kit = /^@prodex\/testkit\/(.+)$/.exec(spec);
  return kit ? `packages/testkit/src/${kit[1]}.ts` : null;
}
