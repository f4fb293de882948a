import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("a child using exitWithParent stops once the process that started it is gone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "prodex-parent-watch-"));
  const stopped = join(dir, "stopped");
  // `bun test --no-orphans` (the lanes run it) reaches children through this variable and would
  // kill the child itself when the middle process exits: without it, only exitWithParent can stop it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "BUN_FEATURE_FLAG_NO_ORPHANS"));
  let pid = 0;
  try {
    // A middle process starts the child, gives it time to note its parent, and exits without stopping it.
    const child = `import { exitWithParent } from ${JSON.stringify(join(import.meta.dir, "parent-watch.ts"))}; exitWithParent(() => { require("node:fs").writeFileSync(${JSON.stringify(stopped)}, ""); process.exit(0); }, 50); setInterval(() => {}, 1000);`;
    const middle = `const c = Bun.spawn([process.execPath, "-e", ${JSON.stringify(child)}], { stdout: "ignore", stderr: "ignore" }); console.log(c.pid); c.unref(); setTimeout(() => process.exit(0), 500);`;
    const run = Bun.spawnSync([process.execPath, "-e", middle], { env });
    expect(run.exitCode).toBe(0);
    pid = Number(run.stdout.toString().trim());
    expect(existsSync(stopped)).toBe(false);
    const deadline = Date.now() + 5_000;
    while (!existsSync(stopped) && Date.now() < deadline) await Bun.sleep(25);
    expect(existsSync(stopped)).toBe(true);
  } finally {
    // Never leave it behind, whatever happened above.
    if (pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
