import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { authPath, parseAuth, writeAuth } from "@prodex/core";
import { authSnapshot, integrityProblems } from "@prodex/testkit/integrity";
import { registeredBrokers } from "@prodex/testkit/brokers";
import { failure, useCliEnvs } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// `prodex exec` (the real Codex CLI) killed with SIGKILL in the middle of a token refresh: its
// preflight holds p1's refresh lock (PRODEX_FAULTS=token.hang@p1 stops it there, before the token
// endpoint is called). The next launch takes the dead launch's lock over at once, refreshes
// exactly once, and Codex answers; nothing is reused, nothing is half-written, nothing is left.

const openEnv = useCliEnvs();

describe("launch killed mid-token-refresh", () => {
  test("the next launch reclaims the lock, refreshes once (no reuse error), and Codex answers", async () => {
    const world = await openEnv([{ id: "acct-a", primary: { usedPercent: 10 } }]);
    const w = world;
    const home = w.env.PRODEX_HOME as string;
    const p1 = join(home, "profiles", "p1");
    // p1's login expires within the refresh window: the launch's preflight refreshes it first.
    writeAuth(p1, w.mock.authFile("acct-a", { expiresInSeconds: 60 }));
    const good = authSnapshot(home);
    const lock = `${authPath(p1)}.lock`;

    const first = startProdex(["exec", "--skip-git-repo-check", "say hi"], {
      ...w.env,
      PRODEX_FAULTS: "token.hang@p1",
    });
    const until = Date.now() + 20_000;
    // Held: the lock file names its holder.
    const held = () => existsSync(lock) && readFileSync(lock, "utf8") !== "";
    while (!held() && first.proc.exitCode === null && Date.now() < until) await Bun.sleep(25);
    expect(held(), first.stderr()).toBe(true);
    first.proc.kill("SIGKILL");
    expect(await first.exit(5_000)).not.toBe(0);

    // Killed holding the lock, before the token endpoint: nothing was sent, nothing written, no broker started.
    expect(w.mock.refreshCalls("acct-a")).toBe(0);
    expect(readFileSync(authPath(p1), "utf8")).toBe(good.get("p1") as string);
    expect(registeredBrokers(home)).toEqual([]);
    expect(integrityProblems(home, good)).toEqual(["leftover lock profiles/p1/auth.json.lock"]);

    const next = await w.prodex(["exec", "--skip-git-repo-check", "say hi"], { timeoutMs: 45_000 });
    expect(next.code, failure(next)).toBe(0);
    expect(next.stdout).toContain("hi from mock");
    expect(next.stderr).not.toContain("locked by another prodex process");

    // One refresh, with the token the dead launch never got to present; the family is alive.
    expect(w.mock.refreshCalls("acct-a")).toBe(1);
    const grants = w.mock.requests({ path: "/oauth/token" });
    expect(grants.map((g) => g.status)).toEqual([200]);
    const onDisk = parseAuth(readFileSync(authPath(p1), "utf8"));
    expect(onDisk.kind).toBe("chatgpt");
    const live = w.mock.accounts().find((a) => a.id === "acct-a")?.tokens.refresh ?? [];
    expect(onDisk.kind === "chatgpt" && live.includes(onDisk.refreshToken)).toBe(true);
    expect(w.mock.requests({ path: "/backend-api/codex/responses" }).some((q) => q.status === 200)).toBe(true);
    expect(integrityProblems(home, good)).toEqual([]);
  }, 60_000);
});
