#!/usr/bin/env bun
/**
 * The prodex proxy for the benches and the load harness, in its own process and set up as
 * `prodex run` / `prodex claude` set it up (default Context, default sync and background quota
 * refresh), over a temp PRODEX_HOME with one profile per mock account. Reads the mock runner's
 * line `{baseUrl, refreshUrl, accounts:[{id, auth}]}` on stdin; prints `{url, codexBaseUrl,
 * codexHeaders, secret, …, runtimeLogPath}` (`secret`: the per-launch token Claude Code would
 * get); stops cleanly on SIGTERM, so `bun --cpu-prof` can write its profile. SIGUSR2 runs a full
 * GC (the load harness settles memory with it before reading RSS).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, addProfile, writeAuth } from "@prodex/core";
import { authJsonSchema, exitWithParent } from "@prodex/mock";
import { z } from "zod";
import { startProxy } from "@prodex/proxy";

const input = z.object({
  baseUrl: z.string().startsWith("http://127.0.0.1:"),
  refreshUrl: z.string(),
  accounts: z.array(z.object({ id: z.string(), auth: authJsonSchema })).min(1),
});

const parsed = input.safeParse(JSON.parse(await Bun.stdin.text()));
if (!parsed.success) {
  process.stderr.write(`proxy-runner: stdin is not the mock runner's ready line: ${parsed.error.message}\n`);
  process.exit(2);
}
const { baseUrl, refreshUrl, accounts } = parsed.data;

const dir = mkdtempSync(join(tmpdir(), "prodex-bench-"));
const env: Record<string, string> = {
  HOME: join(dir, "home"),
  PRODEX_HOME: join(dir, "prodex"),
  PRODEX_SHARED_CODEX_HOME: join(dir, "shared-codex"),
  PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: refreshUrl,
  PATH: process.env.PATH ?? "",
};
const ctx = new Context({ env, source: "bench-proxy" });
const names = accounts.map((a, i) => {
  const name = `p${i + 1}`;
  const row = addProfile(ctx, { name });
  writeAuth(row.codexHome, a.auth);
  ctx.store.profiles.update(name, { accountId: a.id });
  return name;
});
const proxy = await startProxy({ ctx, upstreamBase: baseUrl, preferred: names[0] ?? null });
process.stdout.write(
  `${JSON.stringify({
    url: proxy.url,
    codexBaseUrl: proxy.codexBaseUrl,
    codexHeaders: proxy.codexHeaders,
    openaiBaseUrl: proxy.openaiBaseUrl,
    secret: proxy.secret,
    stateUrl: proxy.stateUrl,
    eventsUrl: proxy.eventsUrl,
    runtimeLogPath: proxy.runtimeLogPath,
  })}\n`,
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await proxy.stop({ drainMs: 200 });
  ctx.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
exitWithParent(() => void shutdown());
process.on("SIGUSR2", () => Bun.gc(true));
