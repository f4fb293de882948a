import { describe, expect, test } from "bun:test";
import { homedir } from "node:os";
import { join } from "node:path";
import { type Env, resolvePaths } from "./paths.ts";

// Where prodex keeps things, from the environment. The runtime logs default to a folder of the
// user's own, never a shared TMPDIR (another local user could plant the pointer there).

describe("resolvePaths", () => {
  test.each([
    [
      "PRODEX_RUNTIME_LOG_DIR wins",
      { HOME: "/h", PRODEX_HOME: "/p", PRODEX_RUNTIME_LOG_DIR: "/logs", XDG_STATE_HOME: "/s", TMPDIR: "/tmp" },
      "/logs",
    ],
    [
      "PRODEX_HOME set: beside everything else",
      { HOME: "/h", PRODEX_HOME: "/p", XDG_STATE_HOME: "/s", TMPDIR: "/tmp" },
      "/p/logs",
    ],
    ["no PRODEX_HOME: the XDG state folder", { HOME: "/h", XDG_STATE_HOME: "/s", TMPDIR: "/tmp" }, "/s/prodex/logs"],
    ["neither: ~/.prodex/logs, never TMPDIR", { HOME: "/h", TMPDIR: "/tmp" }, "/h/.prodex/logs"],
  ] as const)("runtime log folder: %s", (_why, env: Env, want) => {
    const p = resolvePaths(env);
    expect(p.runtimeLogDir).toBe(want);
    expect(p.runtimeLogPointer).toBe(join(want, "prodex-runtime-latest.path"));
  });

  // The one test that reads the real process environment (the default argument): it sets and
  // restores process.env, so the manifest gives it a core:serial case (its own process).
  test("with no argument, the process environment decides", () => {
    const saved = {
      PRODEX_HOME: process.env.PRODEX_HOME,
      PRODEX_RUNTIME_LOG_DIR: process.env.PRODEX_RUNTIME_LOG_DIR,
      XDG_STATE_HOME: process.env.XDG_STATE_HOME,
    };
    try {
      delete process.env.PRODEX_HOME;
      delete process.env.PRODEX_RUNTIME_LOG_DIR;
      process.env.XDG_STATE_HOME = "/state-from-the-process";
      const p = resolvePaths();
      expect(p.runtimeLogDir).toBe("/state-from-the-process/prodex/logs");
      expect(p.prodexHome).toBe(join(process.env.HOME || homedir(), ".prodex"));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
