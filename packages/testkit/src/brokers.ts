import { existsSync } from "node:fs";
import { join } from "node:path";
import { Context, pidAlive } from "@prodex/core";

/** The pids of brokers registered under `prodexHome` (no database, or one a test broke on purpose: none). */
export function registeredBrokers(prodexHome: string): number[] {
  if (!existsSync(join(prodexHome, "prodex.db"))) return [];
  const ctx = new Context({ env: { HOME: prodexHome, PRODEX_HOME: prodexHome }, source: "test-brokers" });
  try {
    return ctx.store.runtimes
      .list()
      .filter((r) => r.kind === "broker")
      .map((r) => r.pid);
  } catch {
    return [];
  } finally {
    ctx.close();
  }
}

/** Waits until `pid` is gone; false after `ms`. */
export async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (pidAlive(pid)) {
    if (Date.now() > until) return false;
    await Bun.sleep(25);
  }
  return true;
}

/**
 * A broker outlives the prodex that started it by design, so a test must end it: SIGTERM every
 * broker registered under `prodexHome`, wait, SIGKILL what is left. Returns the pids it ended.
 */
export async function stopBrokers(prodexHome: string, ms = 10_000): Promise<number[]> {
  const pids = registeredBrokers(prodexHome).filter(pidAlive);
  for (const pid of pids) process.kill(pid, "SIGTERM");
  for (const pid of pids) {
    if (await gone(pid, ms)) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
    await gone(pid, 2_000);
  }
  return pids;
}
