import { mkdir, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { directSignals, repoImports } from "./runtime-signals.ts";
import type { ScannedFile } from "./scan-tests.ts";

/**
 * Scan results keyed by file content, so the guard parses only files that changed since the
 * last run (`.artifacts/scan-cache.json`, gitignored). The key also covers the scanner's own
 * source: changing the scanner drops the cache.
 */
const Scanned = z.object({
  file: z.string(),
  tests: z.array(
    z.object({
      file: z.string(),
      name: z.string(),
      pattern: z.string().optional(),
      line: z.number(),
      start: z.number(),
      end: z.number(),
    }),
  ),
  mutations: z.array(z.object({ kind: z.string(), line: z.number(), offset: z.number() })),
  signals: z.array(z.object({ what: z.string(), line: z.number(), offset: z.number() })),
  parseError: z.string().optional(),
});
const Cache = z.object({
  scanner: z.string(),
  files: z.record(z.string(), z.object({ hash: z.string(), result: Scanned })),
});

const scannerSources = ["scan-tests.ts", "names.ts", "env-mutation.ts", "runtime-signals.ts", "scan-cache.ts"];

/** Does a module start runtime machinery itself? Read once per run, per module. */
type ModuleSignals = Map<string, Promise<boolean>>;

/** The names `src` imports from repo modules that start runtime machinery (name → module). */
export async function runtimeHelpers(
  root: string,
  file: string,
  src: string,
  modules: ModuleSignals,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, module] of repoImports(file, src)) {
    let starts = modules.get(module);
    if (!starts) {
      starts = Bun.file(join(root, module))
        .text()
        .then((text) => directSignals(text).length > 0)
        .catch(() => false);
      modules.set(module, starts);
    }
    if (await starts) out.set(name, module);
  }
  return out;
}

async function scannerHash(): Promise<string> {
  const texts = await Promise.all(scannerSources.map((f) => Bun.file(join(import.meta.dir, f)).text()));
  return Bun.hash(texts.join("\0")).toString(16);
}

function cachePath(root: string): string {
  return join(root, ".artifacts", "scan-cache.json");
}

/** Scans every file, reusing cached results for unchanged content. */
export async function scanAll(root: string, files: readonly string[]): Promise<ScannedFile[]> {
  const scanner = await scannerHash();
  const raw: unknown = await Bun.file(cachePath(root))
    .json()
    .catch(() => null);
  const parsed = Cache.safeParse(raw);
  const old = parsed.success && parsed.data.scanner === scanner ? parsed.data.files : {};
  const next: z.infer<typeof Cache>["files"] = {};
  let misses = 0;
  const modules: ModuleSignals = new Map();
  const out = await Promise.all(
    files.map(async (file) => {
      const src = await Bun.file(join(root, file)).text();
      const helpers = await runtimeHelpers(root, file, src, modules);
      // Keyed by the helpers too: a helper that starts (or stops starting) the proxy changes the result.
      const hash = Bun.hash(`${src}\0${[...helpers].join(",")}`).toString(16);
      const hit = old[file];
      if (hit && hit.hash === hash) {
        next[file] = hit;
        return hit.result;
      }
      misses++;
      // The parser loads only when something needs parsing.
      const { scanSource } = await import("./scan-tests.ts");
      const result = scanSource(file, src, helpers);
      next[file] = { hash, result };
      return result;
    }),
  );
  if (misses > 0 || Object.keys(old).length !== files.length) await save(root, { scanner, files: next });
  return out;
}

async function save(root: string, cache: z.infer<typeof Cache>): Promise<void> {
  const path = cachePath(root);
  try {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await Bun.write(tmp, JSON.stringify(cache));
    await rename(tmp, path);
  } catch {
    // Only a speed-up: a read-only checkout still works, it just parses every time.
  }
}
