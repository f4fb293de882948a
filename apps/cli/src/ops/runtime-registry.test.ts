import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { pidAlive, registerRuntime } from "./runtime-registry.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("pidAlive", () => {
  test("this process is alive", () => expect(pidAlive(process.pid)).toBe(true));
  test("an exited child is not", async () => {
    const child = Bun.spawn(["true"]);
    await child.exited;
    expect(pidAlive(child.pid)).toBe(false);
  });
  test.each([0, -1, 1.5, Number.NaN])("nonsense pid %p is not", (pid) => expect(pidAlive(pid)).toBe(false));
});

test("registerRuntime lists the process until closed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "prodex-reg-"));
  dirs.push(dir);
  const ctx = new Context({ env: { HOME: dir, PRODEX_HOME: join(dir, "p") } });
  const reg = await registerRuntime(ctx, { kind: "serve", url: "http://127.0.0.1:1", upstream: "http://127.0.0.1:2" });
  expect(ctx.store.runtimes.list().map((r) => [r.id, r.kind, r.pid, r.url])).toEqual([
    [reg.id, "serve", process.pid, "http://127.0.0.1:1"],
  ]);
  reg.close();
  reg.close();
  expect(ctx.store.runtimes.list()).toEqual([]);
  ctx.close();
});
