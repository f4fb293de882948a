import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, addProfile, writeAuth } from "@prodex/core";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";

/**
 * The demo pool: three simulated accounts. Alice's 5h window resets soonest, so the selection
 * policy spends her first — and her cost per answer makes her run out a few prompts in.
 */
export const DEMO_ACCOUNTS: (MockAccountInit & { name: string })[] = [
  {
    name: "alice",
    id: "acct-demo-alice",
    email: "alice@demo.prodex",
    plan: "plus",
    primary: { usedPercent: 70, resetAfterSeconds: 900 },
    secondary: { usedPercent: 40, resetAfterSeconds: 2 * 86_400 },
    costPercent: 12,
  },
  {
    name: "bob",
    id: "acct-demo-bob",
    email: "bob@demo.prodex",
    plan: "plus",
    primary: { usedPercent: 35, resetAfterSeconds: 3 * 3_600 },
    secondary: { usedPercent: 30, resetAfterSeconds: 5 * 86_400 },
    costPercent: 4,
  },
  {
    name: "carol",
    id: "acct-demo-carol",
    email: "carol@demo.prodex",
    plan: "pro",
    primary: { usedPercent: 10, resetAfterSeconds: 4.5 * 3_600 },
    secondary: { usedPercent: 20, resetAfterSeconds: 6 * 86_400 },
    costPercent: 4,
  },
];

export type DemoWorld = {
  dir: string;
  /** The environment every demo process gets: the user's, with prodex and Codex state redirected. */
  env: Record<string, string>;
  ctx: Context;
  mock: MockBackend;
  work: string;
  close(keep: boolean): Promise<void>;
};

/** A throwaway PRODEX_HOME (and shared Codex home, logs, workspace) with the demo accounts logged in. */
export async function createDemoWorld(userEnv: Record<string, string | undefined>): Promise<DemoWorld> {
  const dir = mkdtempSync(join(userEnv.TMPDIR || tmpdir(), "prodex-demo-"));
  const mock = await createMockBackend({
    accounts: DEMO_ACCOUNTS.map(({ name: _, ...init }) => init),
    reply: "Hello from a simulated ChatGPT account — the prodex proxy picked it for this request.",
    stream: { chunks: 4, chunkDelayMs: 40 },
  });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(userEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    PRODEX_HOME: join(dir, "prodex"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared-codex"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
    CODEX_CHATGPT_BASE_URL: mock.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl,
  });
  const work = join(dir, "work");
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "README.md"), "prodex demo workspace\n");
  const ctx = new Context({ env, source: "demo", eventMode: "buffered" });
  for (const a of DEMO_ACCOUNTS) {
    const row = addProfile(ctx, { name: a.name });
    writeAuth(row.codexHome, mock.authFile(a.id));
    ctx.store.profiles.update(a.name, { accountId: a.id, email: a.email ?? null, plan: a.plan ?? null });
  }
  return {
    dir,
    env,
    ctx,
    mock,
    work,
    async close(keep) {
      ctx.close();
      await mock.stop();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}
