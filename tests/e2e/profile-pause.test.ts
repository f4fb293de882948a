import { describe, expect, test } from "bun:test";
import { failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { oneClearError } from "@prodex/testkit/one-clear-error";

// `prodex profile pause|resume` as a script runs them: the pause is stored, and every surface says it the same way.
const openEnv = useCliEnvs();

type QuotaJson = {
  profiles: { name: string; availability: { state: string; label: string; reason: string | null } }[];
};

describe("prodex profile pause / resume", () => {
  test("pause takes a profile out, quota and info say so, resume puts it back; a bad name is one line", async () => {
    const w = await openEnv([{ id: "acct-a" }, { id: "acct-b" }]);
    const paused = await w.prodex(["profile", "pause", "p1"]);
    expect(paused.code, failure(paused)).toBe(0);
    expect(paused.stdout.trim()).toBe("paused p1: no new conversation goes to it");

    const quota = await w.prodex(["quota", "--json"]);
    expect(quota.code, failure(quota)).toBe(0);
    const p1 = (JSON.parse(quota.stdout) as QuotaJson).profiles.find((p) => p.name === "p1");
    expect(p1?.availability).toMatchObject({ state: "paused", label: "Paused", reason: "paused" });

    const info = await w.prodex(["info", "--json"]);
    expect(info.code, failure(info)).toBe(0);
    expect((JSON.parse(info.stdout) as { pool: { paused: number; ready: number } }).pool).toMatchObject({
      paused: 1,
      ready: 1,
    });
    const text = await w.prodex(["quota"]);
    expect(text.stdout).toMatch(/p1 .*Paused/);

    const resumed = await w.prodex(["profile", "resume", "p1"]);
    expect(resumed.stdout.trim()).toBe("resumed p1");
    const after = JSON.parse((await w.prodex(["quota", "--json"])).stdout) as QuotaJson;
    expect(after.profiles.find((p) => p.name === "p1")?.availability.state).toBe("ready");

    oneClearError(await w.prodex(["profile", "pause", "nobody"]), 1, /profile.*nobody/);
  }, 60_000);
});
