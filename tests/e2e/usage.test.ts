import { describe, expect, test } from "bun:test";
import { failure, useCliEnvs } from "@prodex/testkit/cli-env";

// `prodex usage` after real Codex runs through the pool: the ledger's totals are what the mock served.

const openEnv = useCliEnvs();

type Usage = {
  groups: {
    group: string;
    requests: number;
    errors: number;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
  }[];
  total: { requests: number };
};

describe("prodex usage", () => {
  test("after two prodex exec runs: per profile and model, the mock's own counts; text, CSV and JSON agree", async () => {
    const world = await openEnv([
      { id: "acct-a", primary: { usedPercent: 10 } },
      { id: "acct-b", primary: { usedPercent: 20 } },
    ]);
    for (const prompt of ["say hi", "say hi again"]) {
      const r = await world.prodex(["exec", "--skip-git-repo-check", prompt]);
      expect(r.code, failure(r)).toBe(0);
      expect(r.stdout).toContain("hi from mock");
    }
    // The mock counts every response.create / POST it answered (Codex's websocket prewarms too: they reach an
    // account), and separately the answers that generated output.
    const served = world.mock.accounts().map((a) => ({
      profile: a.id === "acct-a" ? "p1" : "p2",
      requests: a.counters.requests,
      completed: a.counters.completed,
    }));
    const total = served.reduce((n, a) => n + a.requests, 0);
    const generated = served.reduce((n, a) => n + a.completed, 0);
    expect(generated).toBe(2);

    const byProfile = await world.prodex(["usage", "--by", "profile", "--json"]);
    expect(byProfile.code, failure(byProfile)).toBe(0);
    const json = JSON.parse(byProfile.stdout) as Usage;
    expect(json.total.requests).toBe(total);
    expect(Object.fromEntries(json.groups.map((g) => [g.group, g.requests]))).toEqual(
      Object.fromEntries(served.filter((a) => a.requests > 0).map((a) => [a.profile, a.requests])),
    );
    for (const g of json.groups) {
      expect(g.errors).toBe(0);
      expect(g.totalTokens).toBe(g.inputTokens + g.outputTokens);
    }
    expect(json.groups.reduce((n, g) => n + g.outputTokens, 0)).toBeGreaterThan(0);

    const byModel = JSON.parse(
      (await world.prodex(["usage", "--by", "model", "--since", "1d", "--json"])).stdout,
    ) as Usage;
    expect(byModel.groups.reduce((n, g) => n + g.requests, 0)).toBe(total);

    const csv = await world.prodex(["usage", "--by", "profile", "--csv"]);
    expect(csv.code, failure(csv)).toBe(0);
    const [header, ...lines] = csv.stdout.trim().split("\n");
    expect(header).toBe(
      "profile,requests,errors,inputTokens,cachedTokens,outputTokens,reasoningTokens,totalTokens,rotations",
    );
    expect(lines.map((l) => l.split(",").slice(0, 2).join(","))).toEqual(
      json.groups.map((g) => `${g.group},${g.requests}`),
    );

    const text = await world.prodex(["usage"]);
    expect(text.code, failure(text)).toBe(0);
    expect(text.stdout).toContain("requests");
    for (const g of json.groups) expect(text.stdout).toContain(g.group);
  }, 120_000);

  test("bad input: one clear line and a non-zero exit", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    for (const args of [
      ["usage", "--by", "color"],
      ["usage", "--since", "yesterday"],
      ["usage", "--json", "--csv"],
    ]) {
      const r = await world.prodex(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(r.stderr).toContain("prodex:");
      expect(r.stderr).not.toContain("    at ");
    }
    const empty = await world.prodex(["usage"]);
    expect(empty.stdout).toContain("no requests recorded since");
  }, 60_000);
});
