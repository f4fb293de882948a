import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseCiShards } from "./guard/ci-shards.ts";
import { findTestFiles } from "./layout.ts";
import { manifest as projectManifest } from "./manifest.ts";
import { claimsOf, planFiles, type Claim, type FilePlan } from "./plan/claims.ts";
import { scanAll } from "./scan/scan-cache.ts";
import type { ScannedFile } from "./scan/scan-tests.ts";
import { ManifestError, parseManifest, type Manifest } from "./schema.ts";

/** Everything the guard and the runner know about the repo. */
export type Context = {
  root: string;
  manifest: Manifest;
  files: ScannedFile[];
  claims: Claim[];
  plans: FilePlan[];
  ciPath: string;
  ciShards: string[] | undefined;
};

/** The workspace root: the nearest folder up from `from` whose package.json has "workspaces". */
export async function findRoot(from: string): Promise<string> {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const json: unknown = await Bun.file(pkg)
        .json()
        .catch(() => null);
      if (typeof json === "object" && json !== null && "workspaces" in json) return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new ManifestError(`no workspace root (package.json with "workspaces") above ${from}; pass --root`);
    dir = up;
  }
}

/** The project manifest, or one from a .json/.ts file (fixtures, experiments). */
export async function loadManifest(path?: string): Promise<Manifest> {
  if (!path) return parseManifest(projectManifest, "packages/manifest/src/manifest.ts");
  const abs = resolve(path);
  if (!existsSync(abs)) throw new ManifestError(`manifest ${path} does not exist`);
  const raw: unknown = abs.endsWith(".json") ? await Bun.file(abs).json() : await import(abs);
  const value =
    !abs.endsWith(".json") && typeof raw === "object" && raw !== null
      ? (Reflect.get(raw, "manifest") ?? Reflect.get(raw, "default"))
      : raw;
  return parseManifest(value, path);
}

export async function loadContext(opts: { root: string; manifest?: string; ci?: string }): Promise<Context> {
  const manifest = await loadManifest(opts.manifest);
  const testFiles = await findTestFiles(opts.root);
  const files = await scanAll(opts.root, testFiles);
  const claims = claimsOf(manifest, files);
  const plans = planFiles(manifest, files, claims);
  const ciPath = opts.ci ?? join(opts.root, ".ci", "run");
  const ci = Bun.file(ciPath);
  const ciShards = (await ci.exists()) ? parseCiShards(await ci.text()) : undefined;
  return { root: opts.root, manifest, files, claims, plans, ciPath: ciPath.replace(`${opts.root}/`, ""), ciShards };
}
