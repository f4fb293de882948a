import { access, constants, realpath } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/**
 * Work every shard would otherwise repeat (or race on): done once before the shards start.
 * `run` hooks execute a command; `check` hooks only verify and explain what to do.
 */
export type Hook = { name: string; run: (root: string) => Promise<HookResult> };
export type HookResult = { status: "done" | "skipped" | "failed"; detail: string };

const PackageJson = z.object({ scripts: z.record(z.string(), z.string()).optional() });

async function executable(path: string): Promise<boolean> {
  try {
    await access(await realpath(path), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `bun run build` (the compiled binary) when the root package.json has a build script. */
export const buildHook: Hook = {
  name: "build",
  async run(root) {
    const pkg = PackageJson.safeParse(
      await Bun.file(join(root, "package.json"))
        .json()
        .catch(() => ({})),
    );
    if (!pkg.success || !pkg.data.scripts?.build)
      return { status: "skipped", detail: "no build script in package.json" };
    const p = Bun.spawn({ cmd: [process.execPath, "run", "build"], cwd: root, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
      p.exited,
    ]);
    if (code === 0) return { status: "done", detail: "bun run build" };
    return {
      status: "failed",
      detail: `bun run build exited ${code}: ${(err || out).trim().split("\n").slice(-5).join(" | ")}`,
    };
  },
};

/** The real clients the e2e tests launch must be installed (bun install), not fetched by each shard. */
export const clientsHook: Hook = {
  name: "client-binaries",
  async run(root) {
    const dirs = ["node_modules/.bin", "apps/cli/node_modules/.bin"];
    const missing: string[] = [];
    const found: string[] = [];
    for (const bin of ["codex", "claude"]) {
      const hit = await firstExecutable(dirs.map((d) => join(root, d, bin)));
      if (hit) found.push(hit.replace(`${root}/`, ""));
      else missing.push(bin);
    }
    if (missing.length === 0) return { status: "done", detail: found.join(", ") };
    return {
      status: "failed",
      detail: `${missing.join(" and ")} not installed under ${dirs.join(" or ")}; run \`bun install\` (the clients come from apps/cli's dependencies)`,
    };
  },
};

async function firstExecutable(paths: string[]): Promise<string | undefined> {
  for (const p of paths) if (await executable(p)) return p;
  return undefined;
}

/** The gateway tests start their own PostgreSQL cluster: its server binaries must be on this machine. */
export const postgresHook: Hook = {
  name: "postgres",
  async run(root) {
    const kit = join(root, "packages/testkit/src/pg-cluster.ts");
    if (!(await Bun.file(kit).exists())) return { status: "skipped", detail: "no packages/testkit/src/pg-cluster.ts" };
    const { pgBinDir } = (await import(kit)) as { pgBinDir: () => string | null };
    const bin = pgBinDir();
    if (bin) return { status: "done", detail: bin };
    return {
      status: "failed",
      detail:
        "PostgreSQL server binaries (initdb, postgres) not found; install Debian's postgresql package (apt-get install postgresql) or set PG_BINDIR",
    };
  },
};

export const defaultHooks: readonly Hook[] = [buildHook, clientsHook, postgresHook];

/** Runs the hooks in order; returns false when one failed. */
export async function prebuild(root: string, hooks: readonly Hook[], print: (l: string) => void): Promise<boolean> {
  let ok = true;
  for (const h of hooks) {
    const started = performance.now();
    const r = await h.run(root);
    print(`  prebuild ${h.name}: ${r.status} — ${r.detail} (${Math.round(performance.now() - started)} ms)`);
    if (r.status === "failed") ok = false;
  }
  return ok;
}
