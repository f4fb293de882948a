// The mock ChatGPT backend for a load run: the mock's own standalone runner in its own process,
// shaped for the scenario through its admin API (/__mock/*), and read back through it.
import { z } from "zod";
import { type Child, spawnRunner } from "../../harness/children.ts";
import { mockReady } from "../../harness/ready-lines.ts";

const MOCK_MAIN = Bun.resolveSync("@prodex/mock/main", import.meta.dir);

const accountState = z.object({
  id: z.string(),
  exhausted: z.boolean(),
  primary: z.object({ usedPercent: z.number() }),
  counters: z.object({ requests: z.number(), completed: z.number(), limited: z.number(), errors: z.number() }),
});
export type MockAccount = z.infer<typeof accountState>;
const stateSchema = z.object({ activeStreams: z.number(), accounts: z.array(accountState) });
export type MockState = z.infer<typeof stateSchema>;

export type MockSetup = {
  accounts: number;
  /** Percent of the 5h window each completed response costs (accounts run out in turn). */
  costPercent: number;
  /** Starting 5h usage per account (missing: 0). */
  usedPercent: number[];
  stream: { chunks: number; chunkSize: number; firstByteDelayMs: number; chunkDelayMs: number; jitterMs: number };
  rates: { error: number; quota: number; seed: number };
  reply: string;
};

export type Backend = {
  url: string;
  /** The runner's ready line: what the proxy runner reads on stdin. */
  ready: unknown;
  accountIds: string[];
  pid: number;
  state(): Promise<MockState>;
  /** Queues a fault on an account (a 429 rate limit, a usage limit, …). */
  fault(account: string, fault: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
};

async function admin(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok)
    throw new Error(`mock admin ${new URL(url).pathname} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

export async function startBackend(setup: MockSetup): Promise<Backend> {
  const child: Child = await spawnRunner("mock", MOCK_MAIN, {
    args: ["--accounts", String(setup.accounts), "--cost", String(setup.costPercent)],
  });
  try {
    const m = mockReady.parse(child.ready);
    await admin(`${m.url}/__mock/options`, { stream: setup.stream, rates: setup.rates, reply: setup.reply });
    for (const [i, a] of m.accounts.entries()) {
      const used = setup.usedPercent[i] ?? 0;
      if (used > 0) await admin(`${m.url}/__mock/accounts/${a.id}/usage`, { primary: { usedPercent: used } });
    }
    return {
      url: m.url,
      ready: child.ready,
      accountIds: m.accounts.map((a) => a.id),
      pid: child.pid,
      state: async () => stateSchema.parse(await (await fetch(`${m.url}/__mock/state`)).json()),
      fault: (account, fault) => admin(`${m.url}/__mock/accounts/${account}/faults`, fault),
      stop: () => child.stop(),
    };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
