import { describe, expect, test } from "bun:test";
import { CLI, type RunResult, failure, runToEnd } from "@prodex/testkit/cli-env";
import { useGatewayE2e } from "@prodex/testkit/gateway-e2e";
import { laptopEnv } from "@prodex/testkit/gateway-serve";

// Per-key limits with the real clients: two `prodex gateway serve` instances on one real PostgreSQL, the mock
// upstream, and the real Codex CLI and Claude Code on laptops holding only a gateway key. A key over its limit is
// told so by its own client, at once (no retrying), on either instance; another key goes on.

const gw = useGatewayE2e({ name: "gateway-limits", accounts: [{ id: "acct-a", costPercent: 10 }, { id: "acct-b" }] });

function run(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<RunResult> {
  return runToEnd(["bun", CLI, ...args], { env, timeoutMs });
}

async function key(name: string, flags: string[]): Promise<string> {
  const r = await run(["gateway", "key", "create", name, ...flags, "--json"], gw.server);
  if (r.code !== 0) throw new Error(failure(r));
  return (JSON.parse(r.stdout) as { key: string }).key;
}

// TZ pinned: Codex prints the reset in local time.
const laptop = (name: string, k: string) => ({ ...laptopEnv(gw.dir, name, k), TZ: "UTC" });
const codex = (name: string, k: string, url: string) =>
  run(["exec", "--gateway", url, "--skip-git-repo-check", "say hi"], laptop(name, k));
const claude = (name: string, k: string, url: string) =>
  run(["claude", "--gateway", url, "--", "-p", "say hi"], laptop(name, k));

/** The day as Codex writes a reset ("Dec 8th, 2026"), in UTC. */
function codexDay(ms: number): string {
  const d = new Date(ms);
  const n = d.getUTCDate();
  const suffix =
    n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";
  const month = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${month} ${n}${suffix}, ${d.getUTCFullYear()}`;
}

describe("per-key limits through the gateway, with the real clients", () => {
  test("--tokens-per-day and --max-share: Codex and Claude Code show the key's limit at once on either instance; another key goes on", async () => {
    const a = await gw.serve();
    const b = await gw.serve();
    const day = await key("ci-day", ["--tokens-per-day", "1"]);
    const hog = await key("ci-hog", ["--max-share", "0.001"]);
    const mia = await key("mia", []);

    // One answer each: both keys are then over (a day of 1 token; 0.1 % of the weekly room, once any is used).
    for (const [name, k] of [
      ["ci-day", day],
      ["ci-hog", hog],
    ] as const) {
      const first = await codex(name, k, a.url);
      expect(first.code, `${name}: ${failure(first)}`).toBe(0);
    }
    // Each instance hears the other's counts within 100 ms, and reads the weekly windows every second.
    await Bun.sleep(3_000);

    // The key's own resets: the next UTC day for its tokens, its weekly window for its share (acct-a served it).
    const tomorrow = Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000;
    const weekly = (gw.mock.accounts().find((x) => x.id === "acct-a")?.secondary?.resetAt ?? 0) * 1000;
    for (const [name, k, limit, resets] of [
      ["ci-day", day, "1 tokens per day", tomorrow],
      ["ci-hog", hog, "0.1% of the pool's remaining weekly room", weekly],
    ] as const) {
      const t0 = performance.now();
      const refused = await codex(name, k, b.url);
      const said = `${refused.stdout}\n${refused.stderr}`;
      // Codex shows the key's own reset and stops: no retry loop against a 429 it cannot wait out.
      expect(refused.code, said).not.toBe(0);
      expect(said).toContain(`You’ve hit your usage limit. Try again at ${codexDay(resets)}`);
      expect((performance.now() - t0) / 1000).toBeLessThan(30);

      const t1 = performance.now();
      const viaClaude = await claude(name, k, a.url);
      const claudeSaid = `${viaClaude.stdout}\n${viaClaude.stderr}`;
      expect(viaClaude.code, claudeSaid).not.toBe(0);
      expect(claudeSaid).toContain(`key "${name}" has reached its limit of ${limit}`);
      expect((performance.now() - t1) / 1000).toBeLessThan(30);
    }

    // Another key, on both instances, with both clients.
    for (const g of [a, b]) {
      const ok = await codex("mia", mia, g.url);
      expect(ok.code, failure(ok)).toBe(0);
    }
    const okClaude = await claude("mia", mia, b.url);
    expect(okClaude.code, failure(okClaude)).toBe(0);
  }, 300_000);
});
