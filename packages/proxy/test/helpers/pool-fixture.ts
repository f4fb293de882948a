import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, addProfile, writeAuth } from "@prodex/core";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { type ProxyHandle, type ProxyOptions, startProxy } from "../../src/server.ts";

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

/**
 * A mock ChatGPT backend with `accounts`, a temp PRODEX_HOME holding one profile per account
 * (logged in with the mock's tokens), and a real proxy in front. Nothing shared, nothing global.
 */
export async function poolFixture(accounts: MockAccountInit[], options: Partial<Omit<ProxyOptions, "ctx" | "upstreamBase">> = {}): Promise<PoolFixture> {
  const dir = mkdtempSync(join(tmpdir(), "prodex-rt-"));
  const mock = await createMockBackend({ accounts });
  const env: Record<string, string> = {
    HOME: join(dir, "home"),
    PRODEX_HOME: join(dir, "prodex"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared-codex"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
    PATH: process.env.PATH ?? "",
  };
  const ctx = new Context({ env, source: "test-proxy", eventMode: "buffered" });
  const names = accounts.map((a, i) => {
    const name = `p${i + 1}`;
    const row = addProfile(ctx, { name });
    writeAuth(row.codexHome, mock.authFile(a.id));
    ctx.store.profiles.update(name, { accountId: a.id });
    return name;
  });
  const proxy = await startProxy({ ctx, upstreamBase: mock.baseUrl, preferred: names[0] ?? null, syncMs: 0, quotaRefresh: false, ...options });
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

/** A Codex-shaped `/responses` request body. */
export function responsesBody(text = "say hi", extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: "gpt-5",
    stream: true,
    store: false,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
    tools: [],
    include: [],
    prompt_cache_key: extra.prompt_cache_key ?? crypto.randomUUID(),
    ...extra,
  };
}

export function postResponses(f: PoolFixture, body: Record<string, unknown>, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${f.proxy.codexBaseUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: "Bearer codex-side-token", "chatgpt-account-id": "acct-client", ...f.proxy.codexHeaders, ...headers },
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
