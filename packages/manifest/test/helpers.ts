import { afterAll } from "bun:test";
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const fixtures = join(import.meta.dir, "fixtures");
export const cliPath = join(import.meta.dir, "..", "src", "cli", "main.ts");

/**
 * Copies a fixture tree to a fresh temp dir. Test files are stored as `*.test.ts.fixture` so the
 * repo's own `bun test` never runs them; the copy gets their real names.
 */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `manifest-${name}-`));
  cpSync(join(fixtures, name), dir, { recursive: true });
  const rename = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) rename(p);
      else if (e.name.endsWith(".fixture")) renameSync(p, p.slice(0, -".fixture".length));
    }
  };
  rename(dir);
  return dir;
}

/** Runs the manifest CLI on a tree, with a copy of this process's env (never changing it). */
export async function cli(
  args: string[],
  root: string,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; out: string }> {
  const p = Bun.spawn({
    cmd: [process.execPath, cliPath, ...args, `--root=${root}`, `--manifest=${join(root, "manifest.json")}`],
    cwd: root,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out: `${out}${err}` };
}

/** `copyFixture` for the tests of a file: every copy is removed after the file's tests. */
export function useFixtureTrees(): (name: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return (name) => {
    const dir = copyFixture(name);
    made.push(dir);
    return dir;
  };
}
