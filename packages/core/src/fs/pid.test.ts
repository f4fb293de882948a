import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { pidAlive } from "./pid.ts";

test("pidAlive: this process is alive", () => {
  expect(pidAlive(process.pid)).toBe(true);
});

test.skipIf(process.platform !== "linux")("pidAlive: a zombie (exited, never reaped) is not alive", async () => {
  // `exec sleep` replaces the shell with a program that never waits for the shell's background
  // child: once that child exits it stays a zombie — what an orphaned broker or launch becomes
  // where PID 1 does not reap (containers without an init).
  const holder = Bun.spawn(["sh", "-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdout: "pipe", stderr: "ignore" });
  try {
    const reader = holder.stdout.getReader();
    const pid = Number(new TextDecoder().decode((await reader.read()).value).trim());
    reader.releaseLock();
    expect(pid).toBeGreaterThan(0);
    const state = () => {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.charAt(stat.lastIndexOf(")") + 2);
    };
    const deadline = Date.now() + 5_000;
    while (state() !== "Z" && Date.now() < deadline) await Bun.sleep(20);
    expect(state()).toBe("Z");
    expect(pidAlive(pid)).toBe(false);
  } finally {
    holder.kill();
  }
});
