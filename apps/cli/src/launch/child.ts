import { constants } from "node:os";

/**
 * Runs the agent with the terminal handed over (inherited stdio). Ctrl-C reaches it directly
 * (same process group); SIGTERM/SIGHUP sent to prodex are passed on. Resolves with the
 * child's exit code (128 + signal number when it was killed by a signal).
 */
export async function runInherited(cmd: string[], env: Record<string, string>, cwd?: string): Promise<number> {
  const child = Bun.spawn(cmd, { env, cwd, stdio: ["inherit", "inherit", "inherit"] });
  const forward = (signal: NodeJS.Signals) => () => {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  };
  const handlers = (["SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
  // The terminal sends Ctrl-C to the child too; prodex itself must not die before it.
  const onInt = () => {};
  process.on("SIGINT", onInt);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    const code = await child.exited;
    if (child.signalCode) return 128 + (constants.signals[child.signalCode as keyof typeof constants.signals] ?? 1);
    return code;
  } finally {
    process.off("SIGINT", onInt);
    for (const [s, h] of handlers) process.off(s, h);
  }
}
