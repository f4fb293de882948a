/**
 * What the prodex proxy adds to a Codex request, measured in one run on one machine (issue #3).
 * The mock ChatGPT backend, a bare pass-through (the floor) and the proxy each run in their own
 * process; this process only generates load. Every variant gets the same real Codex request and
 * the same fixed 8-delta stream; variants are interleaved round by round.
 *
 *   bun run bench:proxy [--quick] [--strict] [--cpu-prof] [--profiles N] [--soak N]
 *
 * Prints a table, then one PASS/MISS line per target; exits 0 (it is a report) unless --strict
 * and a target was missed. --cpu-prof writes the proxy's CPU profile (markdown) and prints where.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type Child, memoryOf, spawnRunner } from "../harness/children.ts";
import { cpuMsOf } from "../harness/cpu-time.ts";
import { mockReady, proxyReady } from "../harness/ready-lines.ts";
import { type Collected, type Variant, batched, interleaved, throughput, warm } from "./lib/phases.ts";
import {
  DIRECT,
  FLOOR,
  PRODEX,
  type Memory,
  type Row,
  type Transport,
  table,
  verdictLines,
  verdicts,
} from "./lib/report.ts";
import { selectionBench } from "./lib/selection-bench.ts";
import { timedSse } from "../harness/sse-client.ts";
import { summarize } from "../harness/stats.ts";
import { type Target, prepare, remember, requestBytes, upgradeHeaders } from "../harness/workload.ts";
import { WsConn } from "../harness/ws-client.ts";
import { type WsExtra, wsExtra, wsExtraLines } from "./lib/ws-rotation-bench.ts";

const USAGE = "usage: bun run bench:proxy [--quick] [--strict] [--cpu-prof] [--profiles N] [--soak N]";

function fail(message: string): never {
  process.stderr.write(`bench:proxy: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let args: { quick?: boolean; strict?: boolean; "cpu-prof"?: boolean; profiles?: string; soak?: string; help?: boolean };
try {
  args = parseArgs({
    options: {
      quick: { type: "boolean" },
      strict: { type: "boolean" },
      "cpu-prof": { type: "boolean" },
      profiles: { type: "string" },
      soak: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const int = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be an integer >= 1, got "${value}"`);
  return n;
};

const quick = args.quick === true;
const plan = {
  profiles: int("profiles", args.profiles, 4),
  warm: quick ? 16 : 300,
  c1Rounds: quick ? 20 : 1500,
  c8Rounds: quick ? 2 : 6,
  c8Batch: quick ? 32 : 400,
  soak: int("soak", args.soak, quick ? 200 : 10_000),
  selection: quick ? 500 : 5000,
  wsFresh: quick ? 12 : 60,
};

const urlLine = z.object({ url: z.string() });

const log = (line: string) => process.stdout.write(`${line}\n`);
const status = (line: string) => process.stderr.write(`· ${line}\n`);

log(
  `prodex proxy bench${quick ? " (--quick)" : ""}: bun ${Bun.version}, ${navigator.hardwareConcurrency} cores; ${(requestBytes() / 1024).toFixed(0)} KB Codex request → 8-delta stream; ${plan.profiles} profiles`,
);

status(`selection micro-bench (${plan.selection} decisions each)`);
const selection = await selectionBench(plan.selection);

const children: Child[] = [];
const profileDir = args["cpu-prof"] ? mkdtempSync(join(tmpdir(), "prodex-bench-prof-")) : null;
const rows: Row[] = [];
let wsSkipped: string | null = null;
let memory: Memory | null = null;
let fresh: WsExtra | null = null;
try {
  const mock = await spawnRunner("mock", "mock-runner.ts", {
    args: ["--accounts", String(plan.profiles), "--chunks", "8", "--chunk-size", "16"],
  });
  children.push(mock);
  const m = mockReady.parse(mock.ready);
  const floor = await spawnRunner("floor", "floor-runner.ts", { args: [m.url] });
  children.push(floor);
  const proxy = await spawnRunner("proxy", "proxy-runner.ts", {
    stdin: JSON.stringify(mock.ready),
    bunFlags: profileDir ? ["--cpu-prof-md", `--cpu-prof-dir=${profileDir}`] : [],
  });
  children.push(proxy);
  const f = urlLine.parse(floor.ready);
  const p = proxyReady.parse(proxy.ready);
  const before = memoryOf(proxy.pid);
  const floorBefore = memoryOf(floor.pid);

  const first = m.accounts[0] as (typeof m.accounts)[number];
  const real = {
    authorization: `Bearer ${first.auth.tokens.access_token}`,
    "chatgpt-account-id": first.auth.tokens.account_id,
  };
  const targets: Target[] = [
    { name: DIRECT, url: `${m.baseUrl}/codex/responses`, auth: real },
    { name: FLOOR, url: `${f.url}/backend-api/codex/responses`, auth: real },
    // Codex sends its own (stale, placeholder) login; prodex replaces it with the serving account's.
    // Plus the launch header Codex sends from PRODEX_LAUNCH_KEY.
    {
      name: PRODEX,
      url: `${p.codexBaseUrl}/responses`,
      auth: { authorization: "Bearer codex-side-token", "chatgpt-account-id": "acct-client", ...p.codexHeaders },
    },
  ];
  const servers = new Map([
    [FLOOR, floor.pid],
    [PRODEX, proxy.pid],
  ]);
  let proxyRequests = 0;
  const count = (name: string) => {
    if (name === PRODEX) proxyRequests++;
  };

  const sseVariants: Variant[] = targets.map((t) => {
    let seq = 0;
    return {
      name: t.name,
      run: async () => {
        count(t.name);
        const n = seq++;
        const r = prepare(t, n);
        const s = await timedSse(r.url, r.headers, r.body);
        remember(t, n, s.turnState);
        return s;
      },
    };
  });

  /** Runs a phase and turns what it collected into rows, with each server's CPU per request. */
  const measure = async (transport: Transport, concurrency: number, run: () => Promise<Map<string, Collected>>) => {
    const cpu0 = new Map([...servers].map(([name, pid]) => [name, cpuMsOf(pid)]));
    const got = await run();
    for (const [name, c] of got) {
      const pid = servers.get(name);
      const start = cpu0.get(name);
      const end = pid === undefined ? null : cpuMsOf(pid);
      const n = c.total.length + c.errors;
      rows.push({
        transport,
        concurrency,
        variant: name,
        ttfb: summarize(c.ttfb),
        total: summarize(c.total),
        rps: concurrency > 1 ? throughput(c) : null,
        cpuMs: start != null && end !== null && n > 0 ? (end - start) / n : null,
        errors: c.errors,
        firstError: c.firstError,
      });
    }
  };

  status(
    `SSE: warm-up (${plan.warm} per variant), c=1 (${plan.c1Rounds} interleaved rounds), c=8 (${plan.c8Rounds} × ${plan.c8Batch} per variant)`,
  );
  await warm(sseVariants, plan.warm, 8);
  await measure("sse", 1, () => interleaved(sseVariants, plan.c1Rounds));
  await measure("sse", 8, () => batched(sseVariants, plan.c8Rounds, plan.c8Batch, 8));

  // Websocket: only when the proxy takes the upgrade (the transport is being added).
  const wsUrl = (t: Target) => t.url.replace(/^http/, "ws");
  const probe = await WsConn.open(wsUrl(targets[2] as Target), upgradeHeaders(targets[2] as Target, 0));
  if (!probe.ok) {
    wsSkipped = `prodex did not accept the websocket upgrade on …/responses (${probe.why})`;
    status(`websocket: skipped — ${wsSkipped}`);
  } else {
    probe.conn.close();
    status("websocket: same phases over persistent sockets (one per worker)");
    const opened: WsConn[] = [];
    const wsVariants: Variant[] = [];
    for (const t of targets) {
      const conns: WsConn[] = [];
      for (let w = 0; w < 8; w++) {
        const c = await WsConn.open(wsUrl(t), upgradeHeaders(t, w));
        if (!c.ok) throw new Error(`websocket to ${t.name} failed to open: ${c.why}`);
        conns.push(c.conn);
        opened.push(c.conn);
      }
      let seq = 0;
      wsVariants.push({
        name: t.name,
        run: (worker) => {
          count(t.name);
          return (conns[worker] as WsConn).turn(prepare(t, seq++).frame);
        },
      });
    }
    try {
      await warm(wsVariants, plan.warm, 8);
      await measure("ws", 1, () => interleaved(wsVariants, plan.c1Rounds));
      await measure("ws", 8, () => batched(wsVariants, plan.c8Rounds, plan.c8Batch, 8));
    } finally {
      for (const c of opened) c.close();
    }
  }

  const prodexSse = sseVariants[2] as Variant;
  const left = plan.soak - proxyRequests;
  let soakCpuMs: number | null = null;
  if (left > 0) {
    status(`memory soak: ${left} more streamed requests through prodex (to ${plan.soak})`);
    const cpu0 = cpuMsOf(proxy.pid);
    const soak = await warm([prodexSse], left, 8);
    const cpu1 = cpuMsOf(proxy.pid);
    if (cpu0 !== null && cpu1 !== null) soakCpuMs = (cpu1 - cpu0) / left;
    if (soak.errors) status(`memory soak: ${soak.errors} requests failed (${soak.firstError})`);
  }
  // Read memory as a user would find it: timers flushed (bindings, events, log) and the idle
  // collection the proxy runs after a second of quiet done (runtime/idle-gc.ts).
  await Bun.sleep(2_000);
  const after = memoryOf(proxy.pid);
  const floorAfter = memoryOf(floor.pid);
  const floorMb = floorBefore && floorAfter ? { beforeMb: floorBefore.rssMb, afterMb: floorAfter.rssMb } : null;
  if (before && after)
    memory = {
      beforeMb: before.rssMb,
      afterMb: after.rssMb,
      peakMb: after.peakMb,
      requests: proxyRequests,
      cpuMsPerRequest: soakCpuMs,
      floor: floorMb,
    };

  // Last: its usage-limit faults back accounts off, which must not reach the phases above.
  if (wsSkipped === null) {
    status(`websocket: fresh sockets and rotations (${plan.wsFresh} each)`);
    fresh = await wsExtra(
      targets[0] as Target,
      targets[2] as Target,
      { mockUrl: m.url, stateUrl: p.stateUrl, accounts: m.accounts.map((a) => a.id) },
      plan.wsFresh,
    );
  }
} catch (error) {
  log(`bench:proxy: the run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  for (const c of children.reverse()) await c.stop();
}

if (rows.length > 0 || process.exitCode !== 1) {
  const results = { rows, wsSkipped, memory, selection, quick };
  log("");
  for (const line of table(results)) log(line);
  if (fresh) for (const line of wsExtraLines(fresh)) log(line);
  log("");
  const vs = verdicts(results);
  for (const line of verdictLines(vs, quick)) log(line);
  if (profileDir) log(`CPU profile of the proxy process: ${profileDir}`);
  if (args.strict && vs.some((v) => v.status === "MISS")) process.exitCode = 1;
}
