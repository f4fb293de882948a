/**
 * The team gateway against `prodex serve`, in one run on one machine (issue #16): the same mock ChatGPT backend
 * (its own process), PostgreSQL on loopback (a throw-away cluster), and three variants — `prodex serve`, one
 * `prodex gateway serve` instance, two instances behind a round-robin client. Every variant gets the same streamed
 * Codex request; this process only generates load. Variants are interleaved for c=1; c=8 runs each for a while.
 *
 *   bun run bench:gateway [--quick] [--cpu-prof DIR]
 *
 * --cpu-prof DIR: `prodex serve` and the gateway instances write Bun's CPU profile (.cpuprofile and markdown) there
 * when they stop.
 * --concurrency N: streams in the throughput phase (default 8; the targets are stated at 8).
 *
 * Prints a table and one PASS/MISS line per target; exits 0 (it is a report).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startPgCluster } from "@prodex/testkit/pg-cluster";
import { timedSse } from "../harness/sse-client.ts";
import { summarize } from "../harness/stats.ts";
import { childrenByParent, cpuMsOf, machineBusyMs, treeCpuMsOf } from "../harness/cpu-time.ts";
import { type PgPerRequest, pgActivity } from "./lib/pg-activity.ts";
import { passOrMiss } from "./lib/report.ts";

const { values } = parseArgs({
  options: { quick: { type: "boolean" }, "cpu-prof": { type: "string" }, concurrency: { type: "string" } },
  strict: true,
});
const profile = values["cpu-prof"]
  ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${resolve(values["cpu-prof"])}`]
  : [];
const quick = values.quick === true;
const plan = { warm: quick ? 20 : 100, c1: quick ? 60 : 600, c8Ms: quick ? 3_000 : 10_000 };
/** The throughput phase's concurrent streams (the targets are stated at 8). */
const C = Number(values.concurrency ?? 8);
const REPO = resolve(import.meta.dir, "../..");
const CLI = join(REPO, "apps/cli/src/main.ts");
const children: ReturnType<typeof Bun.spawn>[] = [];

async function firstLine(proc: ReturnType<typeof Bun.spawn>, what: string): Promise<Record<string, unknown>> {
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done)
      throw new Error(
        `${what} exited before printing its JSON line: ${await new Response(proc.stderr as ReadableStream).text()}`,
      );
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return JSON.parse(text.slice(0, text.indexOf("\n")));
}

function spawn(args: string[], env: Record<string, string>, flags: string[] = []): ReturnType<typeof Bun.spawn> {
  const proc = Bun.spawn(["bun", ...flags, ...args], { env, stdout: "pipe", stderr: "pipe" });
  children.push(proc);
  return proc;
}

function cli(args: string[], env: Record<string, string>): void {
  const r = Bun.spawnSync(["bun", CLI, ...args], { env, stdout: "pipe", stderr: "pipe" });
  if (!r.success) throw new Error(`prodex ${args.join(" ")}: ${r.stderr.toString()}`);
}

const dir = mkdtempSync(join(tmpdir(), "prodex-bench-gateway-"));
const pg = await startPgCluster();
try {
  const base = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, TMPDIR: dir, PRODEX_TUI: "0", NO_COLOR: "1" };
  const mockProc = spawn([join(REPO, "packages/mock/src/main.ts"), "--accounts", "4", "--port", "0"], base);
  const mock = (await firstLine(mockProc, "mock")) as {
    baseUrl: string;
    refreshUrl: string;
    accounts: { id: string; auth: unknown }[];
  };
  const upstream = { CODEX_CHATGPT_BASE_URL: mock.baseUrl, CODEX_REFRESH_TOKEN_URL_OVERRIDE: mock.refreshUrl };

  // `prodex serve` on a home holding the accounts; the gateway's database holding the same accounts.
  const local = {
    ...base,
    ...upstream,
    PRODEX_HOME: join(dir, "local"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs-local"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared"),
  };
  // A second `prodex serve` on a home of its own: the same-run control for two processes on this machine.
  const local2 = {
    ...local,
    PRODEX_HOME: join(dir, "local2"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs-local2"),
    PRODEX_SHARED_CODEX_HOME: join(dir, "shared2"),
  };
  const gw = {
    ...base,
    ...upstream,
    PRODEX_HOME: join(dir, "gw"),
    PRODEX_RUNTIME_LOG_DIR: join(dir, "logs-gw"),
    PRODEX_DATABASE_URL: await pg.database("bench"),
    PRODEX_GATEWAY_SECRET_KEY: randomBytes(32).toString("base64"),
  };
  cli(["gateway", "migrate"], gw);
  for (const [i, a] of mock.accounts.entries()) {
    const home = join(dir, "logins", a.id);
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "auth.json"), JSON.stringify(a.auth));
    cli(["profile", "add", `p${i + 1}`, "--copy-from", home], local);
    cli(["profile", "add", `p${i + 1}`, "--copy-from", home], local2);
    cli(["gateway", "account", "add", `p${i + 1}`, "--copy-from", home], gw);
  }
  const key = (() => {
    const r = Bun.spawnSync(["bun", CLI, "gateway", "key", "create", "bench", "--json"], { env: gw, stdout: "pipe" });
    return (JSON.parse(r.stdout.toString()) as { key: string }).key;
  })();

  const serveProc = spawn([CLI, "serve", "--json", "-q"], local, profile);
  type Served = { codex: { baseUrl: string }; secret: string };
  const serve = (await firstLine(serveProc, "prodex serve")) as Served;
  const serve2Proc = spawn([CLI, "serve", "--json", "-q"], local2);
  const serve2 = (await firstLine(serve2Proc, "prodex serve 2")) as Served;
  const g1Proc = spawn([CLI, "gateway", "serve", "--listen", "127.0.0.1:0", "--json", "-q"], gw, profile);
  const g1 = (await firstLine(g1Proc, "gateway 1")) as { codex: { baseUrl: string } };
  const g2Proc = spawn([CLI, "gateway", "serve", "--listen", "127.0.0.1:0", "--json", "-q"], gw, profile);
  const g2 = (await firstLine(g2Proc, "gateway 2")) as { codex: { baseUrl: string } };
  // Where the CPU goes during each c=8 phase: this process (the load), the mock, each server, PostgreSQL (the
  // postmaster and its backends, the bench's one postgres child).
  const postmaster = (childrenByParent().get(process.pid) ?? []).find(
    (pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres",
  );
  const measured: [string, number | undefined][] = [
    ["client", process.pid],
    ["mock", mockProc.pid],
    ["serve", serveProc.pid],
    ["serve2", serve2Proc.pid],
    ["gw1", g1Proc.pid],
    ["gw2", g2Proc.pid],
    ["postgres", postmaster],
  ];
  const cpuNow = () => {
    const tree = childrenByParent();
    // This process alone for the client (its tree holds every other process measured here); the machine last.
    const ours = measured.map(([, pid]) =>
      pid === process.pid ? (cpuMsOf(pid) ?? 0) : pid === undefined ? 0 : treeCpuMsOf(pid, tree),
    );
    return [...ours, machineBusyMs()];
  };

  const body = new TextEncoder().encode(
    JSON.stringify({
      model: "gpt-5",
      instructions: "",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      stream: true,
      store: false,
    }),
  );
  const json = { "content-type": "application/json", accept: "text/event-stream" };
  type Target = { url: string; headers: Record<string, string> };
  const targets: Record<string, Target[]> = {
    "prodex serve": [{ url: `${serve.codex.baseUrl}/responses`, headers: { ...json, "x-prodex-key": serve.secret } }],
    "serve ×2": [serve, serve2].map((p) => ({
      url: `${p.codex.baseUrl}/responses`,
      headers: { ...json, "x-prodex-key": p.secret },
    })),
    "gateway ×1": [{ url: `${g1.codex.baseUrl}/responses`, headers: { ...json, authorization: `Bearer ${key}` } }],
    "gateway ×2": [g1, g2].map((g) => ({
      url: `${g.codex.baseUrl}/responses`,
      headers: { ...json, authorization: `Bearer ${key}` },
    })),
  };
  const names = Object.keys(targets);
  let turn = 0;
  const one = (name: string) => {
    const list = targets[name] ?? [];
    const t = list[turn++ % list.length] as Target;
    return timedSse(t.url, t.headers, body);
  };

  for (const name of names) for (let i = 0; i < plan.warm; i++) await one(name);
  const c1: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < plan.c1; i++) for (const name of names) c1[name]?.push((await one(name)).total);
  const c8: Record<string, number> = {};
  const cpu: Record<string, number[]> = {};
  const db: Record<string, PgPerRequest> = {};
  const activity = await pgActivity(gw.PRODEX_DATABASE_URL, "prodex_gateway");
  for (const name of names) {
    let done = 0;
    const before = cpuNow();
    const mark = await activity.mark();
    const end = performance.now() + plan.c8Ms;
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (performance.now() < end) {
          await one(name);
          done++;
        }
      }),
    );
    c8[name] = done / (plan.c8Ms / 1000);
    cpu[name] = cpuNow().map((ms, i) => (ms - (before[i] ?? 0)) / plan.c8Ms);
    // The last batch is written (write-behind, 50 ms) and PostgreSQL has published its statistics (≤ 1 s).
    await Bun.sleep(1_200);
    db[name] = await activity.since(mark, done);
  }

  await activity.close();
  const fmt = (n: number) => n.toFixed(2);
  const s = Object.fromEntries(names.map((n) => [n, summarize(c1[n] ?? [])]));
  console.log(
    `bench:gateway — ${quick ? "quick" : "full"} run, ${plan.c1} c=1 requests per variant (interleaved), ` +
      `c=${C} for ${plan.c8Ms / 1000} s each; 4 mock accounts, PostgreSQL on loopback; shared machine`,
  );
  console.log(`variant        c=1 p50 ms  c=1 p99 ms  c=${C} req/s`);
  for (const n of names)
    console.log(
      `${n.padEnd(14)} ${fmt(s[n]?.p50 ?? 0).padStart(10)}  ${fmt(s[n]?.p99 ?? 0).padStart(10)}  ${(c8[n] ?? 0).toFixed(0).padStart(9)}`,
    );
  console.log(
    `CPU during c=${C} in cores busy: ${measured.map(([n]) => n).join(" / ")}; ` +
      `the machine's ${navigator.hardwareConcurrency} cores (others: processes not in this bench); ` +
      "the serving processes' CPU per request; database commits per request",
  );
  const servers: Record<string, string[]> = {
    "prodex serve": ["serve"],
    "serve ×2": ["serve", "serve2"],
    "gateway ×1": ["gw1"],
    "gateway ×2": ["gw1", "gw2"],
  };
  for (const n of names) {
    const busy = cpu[n] ?? [];
    const ours = busy.slice(0, measured.length);
    const machine = busy[measured.length] ?? 0;
    const others = machine - ours.reduce((a, b) => a + b, 0);
    const serving = measured.reduce((sum, [m], i) => sum + ((servers[n] ?? []).includes(m) ? (ours[i] ?? 0) : 0), 0);
    const perRequest = (serving * 1000) / Math.max(1, c8[n] ?? 0);
    console.log(
      `${n.padEnd(14)} ${ours.map((c) => c.toFixed(2)).join(" / ")}; ` +
        `machine ${machine.toFixed(2)} (others ${others.toFixed(2)}); ${perRequest.toFixed(2)} ms per request; ` +
        `${(db[n]?.commits ?? 0).toFixed(2)} db commits per request`,
    );
  }
  console.log("per request: rows written (inserted + updated) by table; notifications by type");
  for (const n of names)
    console.log(`${n.padEnd(14)} ${db[n]?.rows || "none"}; ${db[n]?.notices || "no notifications"}`);
  const added = (s["gateway ×1"]?.p50 ?? 0) - (s["prodex serve"]?.p50 ?? 0);
  const ratio = (c8["gateway ×1"] ?? 0) / (c8["prodex serve"] ?? 1);
  const scale = (c8["gateway ×2"] ?? 0) / (c8["gateway ×1"] ?? 1);
  const control = (c8["serve ×2"] ?? 0) / (c8["prodex serve"] ?? 1);
  console.log(
    `${passOrMiss(added <= 1)}  one instance adds ${fmt(added)} ms p50 over prodex serve at c=1 (target ≤ 1 ms)`,
  );
  console.log(
    `${passOrMiss(ratio >= 0.8)}  one instance's c=${C} throughput is ${(ratio * 100).toFixed(0)} % ` +
      "of prodex serve's (target ≥ 80 %)",
  );
  console.log(
    `${passOrMiss(scale >= 1.6)}  two instances give ${scale.toFixed(2)}× one instance's c=${C} throughput ` +
      "(target ≥ 1.6× when the mock is not the bottleneck; one 2-core machine runs mock, instances and client here)",
  );
  console.log(
    `      same-run control: two \`prodex serve\` processes (no database) give ${control.toFixed(2)}× one; ` +
      "what the machine allows two processes",
  );
} finally {
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => Promise.race([c.exited, Bun.sleep(3_000)])));
  for (const c of children) c.kill("SIGKILL");
  await pg.close();
  rmSync(dir, { recursive: true, force: true });
}
