import { describe, expect, test } from "bun:test";
import { useCliEnvs } from "@prodex/testkit/cli-env";

// PRODEX_FAULTS is read once, at start-up: a name prodex does not know is one clear line and
// exit 1 before anything runs, never a stack, never a run with the fault silently ignored.

const openEnv = useCliEnvs();

describe("PRODEX_FAULTS at start-up", () => {
  test("an unknown fault: one line naming it and the known ones, exit 1, nothing started", async () => {
    const world = await openEnv([{ id: "acct-a" }]);
    const r = await world.prodex(["exec", "--skip-git-repo-check", "say hi"], {
      env: { PRODEX_FAULTS: "db.busy:1,upstream.connection_refused@p1" },
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe(
      'prodex: PRODEX_FAULTS: unknown fault "upstream.connection_refused" in "upstream.connection_refused@p1"',
    );
    expect(lines[1]).toContain("known faults: upstream.connect_refused,");
    expect(lines).toHaveLength(2);
    expect(world.mock.requests()).toEqual([]);
  }, 30_000);
});
