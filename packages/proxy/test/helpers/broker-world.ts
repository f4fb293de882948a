import { rmSync } from "node:fs";
import { join } from "node:path";
import { Context } from "@prodex/core";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { type AttachOptions, type BrokerLease, attachBroker } from "../../src/broker/attach.ts";
import { type BrokerPaths, brokerPaths } from "../../src/broker/broker-paths.ts";
import { pidAlive } from "../../src/broker/registration.ts";
import type { LaunchEndpoints } from "../../src/server.ts";
import { gone } from "@prodex/testkit/brokers";
import { poolHome } from "@prodex/testkit/pool-home";

export const BROKER_MAIN = join(import.meta.dir, "../fixtures/broker-process.ts");
export const ATTACH_MAIN = join(import.meta.dir, "../fixtures/attach-process.ts");

export type BrokerWorld = {
  dir: string;
  env: Record<string, string>;
  ctx: Context;
  mock: MockBackend;
  names: string[];
  paths: BrokerPaths;
  /** How a launch starts this world's broker (the test fixture, as `prodex __broker` would). */
  command: string[];
  attach(lease?: Partial<AttachOptions["lease"]>, extra?: Partial<AttachOptions>): Promise<BrokerLease>;
  /** Registered broker rows (fresh read). */
  brokers(): { pid: number; url: string }[];
  /** SIGTERMs every broker this world saw and waits for it to go (files stay). */
  stopBrokers(): Promise<void>;
  close(): Promise<void>;
};

/**
 * A temp PRODEX_HOME with one profile per mock account, and the means to attach launches to a
 * broker subprocess. `close()` ends every broker it registered (they outlive launches by design)
 * and checks none is left.
 */
export async function brokerWorld(
  accounts: MockAccountInit[],
  envExtra: Record<string, string> = {},
): Promise<BrokerWorld> {
  const mock = await createMockBackend({ accounts });
  const { dir, env, names } = poolHome(mock, accounts, {
    prefix: "prodex-broker-",
    env: { PRODEX_BROKER_GRACE_MS: "300", ...envExtra },
  });
  const ctx = new Context({ env, source: "test-launch" });
  const command = [process.execPath, BROKER_MAIN, "--upstream", mock.baseUrl];
  const seen = new Set<number>();
  const brokers = () => {
    const rows = ctx.store.runtimes.list().filter((r) => r.kind === "broker");
    for (const r of rows) seen.add(r.pid);
    return rows.map((r) => ({ pid: r.pid, url: r.url }));
  };
  const stopBrokers = async () => {
    brokers();
    for (const pid of seen) if (pidAlive(pid)) process.kill(pid, "SIGTERM");
    for (const pid of seen) if (!(await gone(pid, 10_000))) process.kill(pid, "SIGKILL");
  };
  return {
    dir,
    env,
    ctx,
    mock,
    names,
    paths: brokerPaths(ctx.paths, mock.baseUrl),
    command,
    attach: async (lease = {}, extra = {}) => {
      const l = await attachBroker({
        ctx,
        upstream: mock.baseUrl,
        command,
        env,
        lease: { profile: names[0] ?? null, autoRotate: true, ...lease },
        ...extra,
      });
      seen.add(l.broker.pid);
      return l;
    },
    brokers,
    stopBrokers,
    async close() {
      await stopBrokers();
      await mock.stop();
      ctx.close();
      rmSync(dir, { recursive: true, force: true });
      const left = [...seen].filter(pidAlive);
      if (left.length) throw new Error(`broker processes left running: ${left.join(", ")}`);
    },
  };
}

/** A stand-in launch process whose pid a lease can name (killed to play a crashed launch). */
export function fakeLaunch(): { pid: number; kill(): Promise<void> } {
  const p = Bun.spawn(["sleep", "60"], { stdio: ["ignore", "ignore", "ignore"] });
  return {
    pid: p.pid,
    async kill() {
      p.kill("SIGKILL");
      await p.exited;
    },
  };
}

/** A Codex-shaped request on a launch's endpoints, with its launch header (as Codex sends it). */
export function responsesRequest(
  launch: Pick<LaunchEndpoints, "codexBaseUrl" | "codexHeaders">,
  text: string,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${launch.codexBaseUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...launch.codexHeaders },
    body: JSON.stringify({
      model: "gpt-5",
      stream: true,
      store: false,
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
      prompt_cache_key: crypto.randomUUID(),
    }),
    signal,
  });
}
