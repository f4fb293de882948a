import { afterEach } from "bun:test";
import { rmSync } from "node:fs";
import { Context } from "@prodex/core";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { type ProxyHandle, type ProxyOptions, startProxy } from "../../src/server.ts";
import { poolHome } from "@prodex/testkit/pool-home";

export type PoolFixture = {
  dir: string;
  env: Record<string, string>;
  ctx: Context;
  mock: MockBackend;
  proxy: ProxyHandle;
  /** Profile name for each mock account id, in order: p1, p2, … */
  names: string[];
  close(): Promise<void>;
};

/** Two ready accounts, acct-a preferred (less used). */
export const TWO_ACCOUNTS: MockAccountInit[] = [
  { id: "acct-a", primary: { usedPercent: 10 } },
  { id: "acct-b", primary: { usedPercent: 20 } },
];

/** Opens pool fixtures for the tests of a file, each closed after its test. */
export function usePoolFixtures(): (
  accounts: MockAccountInit[],
  options?: Partial<Omit<ProxyOptions, "ctx" | "upstreamBase">>,
) => Promise<PoolFixture> {
  const open: PoolFixture[] = [];
  afterEach(async () => {
    for (const f of open.splice(0)) await f.close();
  });
  return async (accounts, options = {}) => {
    const f = await poolFixture(accounts, options);
    open.push(f);
    return f;
  };
}

/**
 * A mock ChatGPT backend with `accounts`, a temp PRODEX_HOME holding one profile per account
 * (logged in with the mock's tokens), and a real proxy in front. Nothing shared, nothing global.
 */
export async function poolFixture(
  accounts: MockAccountInit[],
  options: Partial<Omit<ProxyOptions, "ctx" | "upstreamBase">> = {},
): Promise<PoolFixture> {
  const mock = await createMockBackend({ accounts });
  const { dir, env, names } = poolHome(mock, accounts, { prefix: "prodex-rt-" });
  const ctx = new Context({ env, source: "test-proxy", eventMode: "buffered" });
  const proxy = await startProxy({
    ctx,
    upstreamBase: mock.baseUrl,
    preferred: names[0] ?? null,
    syncMs: 0,
    quotaRefresh: false,
    ...options,
  });
  return {
    dir,
    env,
    ctx,
    mock,
    proxy,
    names,
    async close() {
      await proxy.stop({ drainMs: 200 });
      await mock.stop();
      ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { responsesBody } from "@prodex/testkit/responses-body";

export function postResponses(
  f: PoolFixture,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${f.proxy.codexBaseUrl}/responses`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: "Bearer codex-side-token",
      "chatgpt-account-id": "acct-client",
      ...f.proxy.codexHeaders,
      ...headers,
    },
    body: JSON.stringify(body),
    signal,
  });
}

/** Event types of an SSE body, in order. */
export function eventTypes(sse: string): string[] {
  return sse
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => {
      try {
        return String((JSON.parse(l.slice(6)) as { type?: string }).type);
      } catch {
        return "?";
      }
    });
}

/** Streams the mock is still sending: 0 once every upstream request ended or was cancelled. */
export async function activeStreams(f: Pick<PoolFixture, "mock">): Promise<number> {
  const state = (await (await fetch(`${f.mock.url}/__mock/state`)).json()) as { activeStreams: number };
  return state.activeStreams;
}
