import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("a child using exitWithParent stops once the process that started it is gone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "prodex-parent-watch-"));
  const stopped = join(dir, "stopped");
  try {
    // A middle process starts the child, gives it time to note its parent, and exits without stopping it.
    const child = `import { exitWithParent } from ${JSON.stringify(join(import.meta.dir, "parent-watch.ts"))}; exitWithParent(() => { require("node:fs").writeFileSync(${JSON.stringify(stopped)}, ""); process.exit(0); }, 50); setInterval(() => {}, 1000);`;
    const middle = `const c = Bun.spawn([process.execPath, "-e", ${JSON.stringify(child)}], { stdout: "ignore", stderr: "ignore" }); c.unref(); setTimeout(() => process.exit(0), 500);`;
    expect(Bun.spawnSync([process.execPath, "-e", middle]).exitCode).toBe(0);
    expect(existsSync(stopped)).toBe(false);
    const deadline = Date.now() + 5_000;
    while (!existsSync(stopped) && Date.now() < deadline) await Bun.sleep(25);
    expect(existsSync(stopped)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
