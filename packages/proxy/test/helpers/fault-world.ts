import { afterEach } from "bun:test";
import { rmSync } from "node:fs";
import { Context } from "@prodex/core";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { type ProxyHandle, type ProxyOptions, startProxy } from "../../src/server.ts";
import { type AuthSnapshot, authSnapshot, integrityProblems } from "@prodex/testkit/integrity";
import { eventTypes } from "./pool-fixture.ts";
import { poolHome } from "@prodex/testkit/pool-home";

export type FaultProxy = { ctx: Context; proxy: ProxyHandle; stop(): Promise<void> };

export type FaultWorld = {
  dir: string;
  env: Record<string, string>;
  mock: MockBackend;
  names: string[];
  /** Every profile's auth.json as set up (the last good content a fault may leave in place). */
  good: AuthSnapshot;
  /**
   * A proxy (one launch) on this world's PRODEX_HOME with a Context of its own; `faults` is its
   * PRODEX_FAULTS (nowhere else: set-up and checks never see them). Stopped by `close()` too.
   */
  start(faults?: string, options?: Partial<Omit<ProxyOptions, "ctx" | "upstreamBase">>): Promise<FaultProxy>;
  integrity(): string[];
  close(): Promise<void>;
};

export type FaultWorldOptions = {
  /** Accounts whose login is about to expire (the first use refreshes it). */
  expiring?: string[];
};

/** Two ready accounts, acct-a preferred (less used). */
export const TWO_ACCOUNTS: MockAccountInit[] = [
  { id: "acct-a", primary: { usedPercent: 10 } },
  { id: "acct-b", primary: { usedPercent: 20 } },
];

/** What the mock saw on the inference route, in order. */
export const inference = (w: FaultWorld) => w.mock.requests({ path: "/backend-api/codex/responses" });

/** Opens fault worlds for the tests of a file, each closed after its test. */
export function useFaultWorlds(): (accounts?: MockAccountInit[], options?: FaultWorldOptions) => Promise<FaultWorld> {
  const open: FaultWorld[] = [];
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
  });
  return async (accounts = TWO_ACCOUNTS, options = {}) => {
    const w = await faultWorld(accounts, options);
    open.push(w);
    return w;
  };
}

/** A mock backend and a temp PRODEX_HOME with one profile per account (p1, p2, …); nothing global. */
export async function faultWorld(accounts: MockAccountInit[], options: FaultWorldOptions = {}): Promise<FaultWorld> {
  const mock = await createMockBackend({ accounts });
  const { dir, env, names } = poolHome(mock, accounts, { prefix: "prodex-faults-", expiring: options.expiring });
  const home = env.PRODEX_HOME as string;
  const good = authSnapshot(home);
  const running = new Set<FaultProxy>();
  return {
    dir,
    env,
    mock,
    names,
    good,
    async start(faults, proxyOptions = {}) {
      const ctx = new Context({
        env: faults ? { ...env, PRODEX_FAULTS: faults } : env,
        source: "test-proxy",
        eventMode: "buffered",
      });
      const proxy = await startProxy({
        ctx,
        upstreamBase: mock.baseUrl,
        preferred: names[0] ?? null,
        syncMs: 0,
        quotaRefresh: false,
        ...proxyOptions,
      });
      const handle: FaultProxy = {
        ctx,
        proxy,
        async stop() {
          if (!running.delete(handle)) return;
          await proxy.stop({ drainMs: 200 });
          ctx.close();
        },
      };
      running.add(handle);
      return handle;
    },
    integrity: () => integrityProblems(home, good),
    async close() {
      for (const p of [...running]) await p.stop();
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Codex-shaped streaming `/responses` request on `proxy`. */
export function ask(proxy: ProxyHandle, text = "say hi", signal?: AbortSignal): Promise<Response> {
  return fetch(`${proxy.codexBaseUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...proxy.codexHeaders },
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

/**
 * The same request over a plain socket, read until the proxy closes it: what arrived (de-chunked)
 * and whether the chunked body was terminated. fetch() drops bytes that arrive with a reset; a
 * client like Codex reads them, so this is what it sees. `terminated: false` = the stream broke.
 */
export async function askRaw(
  proxy: ProxyHandle,
  text = "say hi",
): Promise<{ status: number; body: string; terminated: boolean }> {
  const url = new URL(`${proxy.codexBaseUrl}/responses`);
  const body = JSON.stringify({
    model: "gpt-5",
    stream: true,
    store: false,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
  });
  const headers = [
    `POST ${url.pathname} HTTP/1.1`,
    `Host: ${url.host}`,
    "Content-Type: application/json",
    "Accept: text/event-stream",
    "Connection: close",
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [k, v] of Object.entries(proxy.codexHeaders)) headers.push(`${k}: ${v}`);
  const chunks: Buffer[] = [];
  const closed = Promise.withResolvers<void>();
  await Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      open: (s) => void s.write(`${headers.join("\r\n")}\r\n\r\n${body}`),
      data: (_s, chunk) => void chunks.push(Buffer.from(chunk)),
      close: () => closed.resolve(),
      error: () => closed.resolve(),
    },
  });
  await closed.promise;
  const raw = Buffer.concat(chunks).toString("utf8");
  const end = raw.indexOf("\r\n\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  const { text: dechunked, terminated } = dechunk(raw.slice(end + 4));
  return { status, body: dechunked, terminated };
}

/** Chunked transfer coding → its payload, and whether the final zero-length chunk came. */
function dechunk(raw: string): { text: string; terminated: boolean } {
  let text = "";
  let at = 0;
  for (;;) {
    const nl = raw.indexOf("\r\n", at);
    if (nl < 0) return { text, terminated: false };
    const size = Number.parseInt(raw.slice(at, nl), 16);
    if (Number.isNaN(size)) return { text, terminated: false };
    if (size === 0) return { text, terminated: true };
    text += raw.slice(nl + 2, nl + 2 + size);
    at = nl + 2 + size + 2;
  }
}

/** Reads an SSE body to its end or its break: the text that arrived, and the error if it broke. */
export async function readAll(res: Response): Promise<{ text: string; error: string | null }> {
  const reader = res.body?.getReader();
  if (!reader) return { text: "", error: null };
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return { text, error: null };
      text += decoder.decode(r.value, { stream: true });
    }
  } catch (error) {
    return { text, error: error instanceof Error ? error.message : String(error) };
  }
}

/** `data:` event types of an SSE text, in order. */
export const types = eventTypes;

/** A full answer through a fresh launch (no faults): what "the next launch recovers" means. */
export async function servesCleanly(
  world: FaultWorld,
): Promise<{ ok: boolean; account: string | null; detail: string }> {
  const next = await world.start();
  try {
    const before = world.mock.requests({ path: "/backend-api/codex/responses" }).length;
    const res = await ask(next.proxy, "after the fault");
    const body = await readAll(res);
    const served = world.mock
      .requests({ path: "/backend-api/codex/responses" })
      .slice(before)
      .filter((q) => q.status === 200);
    const ok = res.status === 200 && body.error === null && types(body.text).includes("response.completed");
    return {
      ok,
      account: served.at(-1)?.accountId ?? null,
      detail: `HTTP ${res.status} ${body.error ?? ""} ${body.text.slice(-300)}`,
    };
  } finally {
    await next.stop();
  }
}
