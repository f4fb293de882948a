// claude-code-router (@musistudio/claude-code-router) as a comparison point for the Claude bench:
// installed on demand into a cache dir outside the repo (never a dependency of prodex), configured
// to send Claude's Messages to the same mock through its `openai-responses` transformer.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

/** The newest release that installs: 3.1.1 depends on @the-next-ai/ai-gateway, which the registry does not have (404). */
export const CCR_VERSION = "2.0.0";
const PKG = "@musistudio/claude-code-router";

export type Ccr = { url: string; pid: number; stop(): Promise<void> };
export type CcrResult = { ok: true; ccr: Ccr } | { ok: false; why: string };

export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  return (
    env.PRODEX_BENCH_CACHE ??
    join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "prodex-bench", `claude-code-router-${CCR_VERSION}`)
  );
}

async function run(cmd: string[], cwd?: string): Promise<{ code: number; out: string }> {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 180_000);
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, out: `${out}${err}` };
}

/** Installs once into the cache; returns the CLI's path or why it could not. */
export async function installCcr(dir = cacheDir()): Promise<{ ok: true; cli: string } | { ok: false; why: string }> {
  const cli = join(dir, "node_modules", ...PKG.split("/"), "dist", "cli.js");
  if (existsSync(cli)) return { ok: true, cli };
  if (!Bun.which("npm")) return { ok: false, why: "npm is not on PATH" };
  mkdirSync(dir, { recursive: true });
  const r = await run([
    "npm",
    "install",
    "--prefix",
    dir,
    "--no-audit",
    "--no-fund",
    "--no-save",
    `${PKG}@${CCR_VERSION}`,
  ]);
  if (r.code !== 0 || !existsSync(cli))
    return {
      ok: false,
      why: `npm install ${PKG}@${CCR_VERSION} failed: ${r.out.trim().split("\n").slice(-3).join(" / ")}`,
    };
  return { ok: true, cli };
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port ?? 0;
  s.stop(true);
  return port;
}

/** Starts CCR (Node) on loopback with one provider: the mock's Responses endpoint, the account's token. */
export async function startCcr(responsesUrl: string, accessToken: string, model: string): Promise<CcrResult> {
  const installed = await installCcr();
  if (!installed.ok) return installed;
  const node = Bun.which("node");
  if (!node) return { ok: false, why: "node is not on PATH (claude-code-router is a Node program)" };
  const home = mkdtempSync(join(tmpdir(), "prodex-bench-ccr-"));
  const port = await freePort();
  mkdirSync(join(home, ".claude-code-router"), { recursive: true });
  const config = {
    HOST: "127.0.0.1",
    PORT: port,
    LOG: false,
    NON_INTERACTIVE_MODE: true,
    Providers: [
      {
        name: "mock",
        api_base_url: responsesUrl,
        api_key: accessToken,
        models: [model],
        transformer: { use: ["openai-responses"] },
      },
    ],
    Router: { default: `mock,${model}` },
  };
  writeFileSync(join(home, ".claude-code-router", "config.json"), JSON.stringify(config));
  const proc = Bun.spawn([node, installed.cli, "start"], {
    env: { PATH: process.env.PATH ?? "", HOME: home },
    stdout: "ignore",
    stderr: "pipe",
    stdin: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill("SIGTERM");
    const done = await Promise.race([proc.exited.then(() => true), Bun.sleep(3_000).then(() => false)]);
    if (!done) proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    try {
      await fetch(`${url}/`);
      return { ok: true, ccr: { url, pid: proc.pid, stop } };
    } catch {
      await Bun.sleep(100);
    }
  }
  const err = proc.exitCode !== null ? await new Response(proc.stderr).text() : "no answer within 10 s";
  await stop();
  return { ok: false, why: `claude-code-router did not start: ${err.trim().slice(-300)}` };
}
