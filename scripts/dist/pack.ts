#!/usr/bin/env bun
// `bun run pack`: the npm package `prodex` as a tarball (dist/prodex-<version>.tgz).
// Staged in dist/npm: bin/prodex.js (the Node/Bun launcher), dist/ (the program bundled for
// Bun, split so `--version` stays small), and a package.json with no workspace dependencies —
// only the agents (pinned, so they install with prodex) and Bun itself (so `npx prodex` works
// where only Node is installed).
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TESTED_BUN } from "../../apps/cli/src/launch/bun-runtime.ts";
import { ROOT, ENTRY } from "./compile.ts";

type CliPackage = { name: string; version: string; description: string; license: string; dependencies: Record<string, string> };

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`apps/cli/package.json: ${what} must be a string`);
  return value;
}

/** The fields of apps/cli/package.json the published manifest is made from. */
export function readCliPackage(json: unknown): CliPackage {
  if (typeof json !== "object" || json === null) throw new Error("apps/cli/package.json is not an object");
  const fields = new Map<string, unknown>(Object.entries(json));
  const field = (k: string): unknown => fields.get(k);
  const deps = field("dependencies");
  const dependencies: Record<string, string> = {};
  if (typeof deps === "object" && deps !== null) for (const [k, v] of Object.entries(deps)) dependencies[k] = str(v, `dependencies.${k}`);
  return { name: str(field("name"), "name"), version: str(field("version"), "version"), description: str(field("description"), "description"), license: str(field("license"), "license"), dependencies };
}

const AGENTS = ["@openai/codex", "@anthropic-ai/claude-code"] as const;

export function stagedManifest(cli: CliPackage): Record<string, unknown> {
  const dependencies: Record<string, string> = { bun: TESTED_BUN };
  for (const name of AGENTS) {
    const version = cli.dependencies[name];
    if (!version || !/^\d+\.\d+\.\d+/.test(version)) throw new Error(`apps/cli/package.json must pin ${name} to an exact version (found ${version ?? "nothing"})`);
    dependencies[name] = version;
  }
  return {
    name: cli.name,
    version: cli.version,
    description: cli.description,
    license: cli.license,
    type: "module",
    bin: { prodex: "bin/prodex.js" },
    files: ["bin", "dist", "README.md"],
    engines: { node: ">=18" },
    keywords: ["codex", "claude-code", "chatgpt", "proxy", "cli"],
    dependencies,
  };
}

async function run(cmd: string[], cwd: string): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, npm_config_update_notifier: "false" } });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (exit ${code}): ${(err || out).trim()}`);
  return out;
}

/** Stages the package in `stage` and packs it into `outDir`; returns the tarball's path. */
export async function pack(o: { stage?: string; outDir?: string } = {}): Promise<string> {
  const cli = readCliPackage(await Bun.file(join(ROOT, "apps/cli/package.json")).json());
  const stage = o.stage ?? join(ROOT, "dist", "npm");
  const outDir = o.outDir ?? join(ROOT, "dist");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "bin"), { recursive: true });

  const built = await Bun.build({
    entrypoints: [ENTRY],
    target: "bun",
    format: "esm",
    splitting: true,
    outdir: join(stage, "dist"),
    naming: { entry: "prodex.js", chunk: "chunks/[name]-[hash].js" },
    minify: { syntax: true, whitespace: true },
    // As in compile.ts: Ink loads its devtools bridge only when DEV=true, inside a try; the package is not installed.
    external: ["react-devtools-core"],
  });
  if (!built.success) throw new Error(`bundling failed:\n${built.logs.map(String).join("\n")}`);

  copyFileSync(join(ROOT, "apps/cli/bin/prodex.js"), join(stage, "bin", "prodex.js"));
  if (existsSync(join(ROOT, "README.md"))) copyFileSync(join(ROOT, "README.md"), join(stage, "README.md"));
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(stagedManifest(cli), null, 2)}\n`);

  mkdirSync(outDir, { recursive: true });
  const out = await run(["npm", "pack", "--json", "--pack-destination", outDir], stage);
  const packed: unknown = JSON.parse(out);
  const first: unknown = Array.isArray(packed) ? packed[0] : null;
  const name = typeof first === "object" && first !== null && "filename" in first && typeof first.filename === "string" ? first.filename : null;
  if (!name) throw new Error(`npm pack printed no file name: ${out.slice(0, 200)}`);
  return join(outDir, name);
}

if (import.meta.main) {
  try {
    const file = await pack();
    process.stdout.write(`${file}\n`);
  } catch (e) {
    process.stderr.write(`pack: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
