export type EnvLike = Record<string, string | undefined>;
export type TtyLike = { isTTY?: boolean };

const off = new Set(["0", "false", "off", "no"]);

/** Whether to show the dashboard. The caller handles `--no-tui` itself. */
export function shouldUseTui(env: EnvLike, stdout: TtyLike): boolean {
  if (!stdout.isTTY) return false;
  const ci = env.CI;
  if (ci !== undefined && ci !== "" && !off.has(ci.toLowerCase())) return false;
  const flag = env.PRODEX_TUI;
  if (flag !== undefined && off.has(flag.toLowerCase())) return false;
  // A dumb terminal cannot address the cursor, so a full-screen UI would be garbage.
  if (env.TERM === "dumb") return false;
  return true;
}
