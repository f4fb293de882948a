/**
 * `bun run load --scenario team [--quick] [--json]`: the team gateway under a rotation storm (issue #16). Two gateway
 * instances on one real PostgreSQL (a throw-away cluster), 16 concurrent streams spread over both, four mock
 * accounts that run out in turn, and PostgreSQL restarted mid-run. Thresholds as rotation-storm (no client error
 * while any account could serve, no incomplete answer, every account exhausted at the end) plus zero lost or
 * doubled records: every answered request is one upstream request, and each instance's events and bindings are in
 * the database exactly once. Exits 0 when every threshold held, 1 when one failed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GatewayHandle, TokenVault, addAccount, createKey, parseSecretKey, startGateway } from "@prodex/gateway";
import { createMockBackend } from "@prodex/mock";
import { GatewayStore } from "@prodex/store/pg";
import { startPgCluster } from "@prodex/testkit/pg-cluster";
import { timedSse } from "../../harness/sse-client.ts";
import { summarize } from "../../harness/stats.ts";

export async function runTeam(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const json = argv.includes("--json");
  const status = (line: string) => process.stderr.write(`· ${line}\n`);
  const cost = quick ? 5 : 1;
  const used = [0, 10, 20, 30];
  // Answers the pool holds before every account is out: the restart comes a quarter of the way in.
  const capacity = used.reduce((n, u) => n + Math.ceil((100 - u) / cost), 0);
  const maxRequests = quick ? 600 : 3_000;
  const dir = mkdtempSync(join(tmpdir(), "prodex-load-team-"));
  const pg = await startPgCluster();
  const mock = await createMockBackend({
    accounts: used.map((u, i) => ({ id: `acct-${i + 1}`, costPercent: cost, primary: { usedPercent: u } })),
  });
  const instances: GatewayHandle[] = [];
  let store: GatewayStore | null = null;
  try {
    const url = await pg.database("load_team");
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      TMPDIR: dir,
      PRODEX_RUNTIME_LOG_DIR: join(dir, "logs"),
      PRODEX_GATEWAY_SECRET_KEY: randomBytes(32).toString("base64"),
    };
    store = GatewayStore.open(url, { max: 2 });
    await store.migrate();
    const vault = await TokenVault.open(store, parseSecretKey(env.PRODEX_GATEWAY_SECRET_KEY, "load"));
    for (const a of mock.accounts()) await addAccount(store, vault, a.id, JSON.stringify(mock.authFile(a.id)));
    const { key } = await createKey(store, "load", "user");
    for (let i = 0; i < 2; i++)
      instances.push(
        await startGateway({
          databaseUrl: url,
          env,
          upstreamBase: mock.baseUrl,
          refreshUrl: mock.refreshUrl,
          version: "load",
        }),
      );
    status(`2 instances on PostgreSQL :${pg.port}, 4 accounts costing ${cost} % an answer, 16 streams`);

    const body = new TextEncoder().encode(
      JSON.stringify({
        model: "gpt-5",
        instructions: "",
        input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
        stream: true,
        store: false,
      }),
    );
    const headers = { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${key}` };
    const ready = () => mock.accounts().some((a) => a.primary.usedPercent < 100);
    let sent = 0;
    let served = 0;
    let errorsWhileReady = 0;
    let incomplete = 0;
    let restarted = false;
    const totals: number[] = [];
    const restart = async () => {
      status(`restarting PostgreSQL after ${sent} requests`);
      await pg.stop();
      await Bun.sleep(3_000);
      await pg.start();
      status("PostgreSQL back");
    };
    let restarting: Promise<void> | null = null;
    // Both instances have seen the key before the storm (a key first seen during an outage is a 503 by design).
    for (const g of instances) {
      const k = await fetch(`${g.url}/gateway/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
      if (k.status !== 200) throw new Error(`instance ${g.instance} refused the key: HTTP ${k.status}`);
    }
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < maxRequests && ready()) {
          const n = sent++;
          if (!restarted && n >= capacity / 4) {
            restarted = true;
            restarting = restart();
          }
          const wasReady = ready();
          const g = instances[n % 2] as GatewayHandle;
          try {
            const s = await timedSse(`${g.url}/backend-api/codex/responses`, headers, body);
            served++;
            totals.push(s.total);
          } catch (e) {
            const text = e instanceof Error ? e.message : String(e);
            if (text.includes("without response.completed")) incomplete++;
            else if (wasReady && ready()) {
              errorsWhileReady++;
              if (errorsWhileReady <= 3) status(`error while an account could serve: ${text.slice(0, 200)}`);
            }
          }
        }
      }),
    );
    if (restarting) await restarting;
    // Let queued writes go out, then compare what each instance holds with what the database holds.
    const deadline = Date.now() + 20_000;
    while (instances.some((g) => g.queue.size() > 0 || !g.ready().ready) && Date.now() < deadline) await Bun.sleep(100);
    const upstream = mock.requests({ path: "/backend-api/codex/responses" }).filter((r) => r.status === 200).length;
    const shared = await store.events.since(0, 1_000_000);
    let lostOrDoubled = 0;
    for (const g of instances) {
      g.proxy.state.ctx.events.flush();
      const local = g.proxy.state.ctx.store.events
        .list({ limit: 1_000_000 })
        .map((e) => `${e.at}|${e.kind}|${e.message}`)
        .sort();
      const mine = shared
        .filter((e) => e.instance === g.instance)
        .map((e) => `${e.at}|${e.kind}|${e.message}`)
        .sort();
      const missing = local.filter((x) => !mine.includes(x));
      const extra = mine.filter((x) => !local.includes(x));
      const bindings = g.proxy.state.ctx.store.bindings.touchedSince(0);
      const unstored =
        bindings.length - (await store.bindings.find(bindings.map((b) => ({ kind: b.kind, key: b.key })))).length;
      if (missing.length + extra.length + unstored > 0)
        status(
          `${g.instance}: ${missing.length} events not shared (${missing.slice(0, 2).join(" / ")}), ${extra.length} shared but not local, ${unstored} bindings not stored`,
        );
      lostOrDoubled += missing.length + extra.length + unstored;
    }
    const exhausted = !ready();
    const lat = summarize(totals);
    const verdicts = [
      { name: "errors while an account could serve", figure: errorsWhileReady, limit: 0, ok: errorsWhileReady === 0 },
      { name: "incomplete answers", figure: incomplete, limit: 0, ok: incomplete === 0 },
      { name: "every account exhausted at the end", figure: exhausted ? 1 : 0, limit: 1, ok: exhausted },
      {
        name: "answered requests ≠ upstream answers",
        figure: Math.abs(served - upstream),
        limit: 0,
        ok: served === upstream,
      },
      { name: "events and bindings lost or doubled", figure: lostOrDoubled, limit: 0, ok: lostOrDoubled === 0 },
      { name: "PostgreSQL restarted mid-run", figure: restarted ? 1 : 0, limit: 1, ok: restarted },
    ];
    const report = {
      schema: "prodex.load-team/v1",
      quick,
      sent,
      served,
      upstream,
      eventsShared: shared.length,
      latencyMs: lat,
      verdicts,
    };
    if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      process.stdout.write(
        `load team — ${quick ? "quick" : "full"} run on a shared machine: ${sent} requests over 2 instances, ${served} answered (${upstream} upstream), p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, ${shared.length} shared events\n`,
      );
      for (const v of verdicts)
        process.stdout.write(`${v.ok ? "ok  " : "FAIL"}  ${v.name}: ${v.figure} (limit ${v.limit})\n`);
    }
    const bad = verdicts.filter((v) => !v.ok);
    for (const v of bad) process.stderr.write(`load: threshold failed — ${v.name}: ${v.figure} (limit ${v.limit})\n`);
    return bad.length > 0 ? 1 : 0;
  } finally {
    for (const g of instances) await g.stop();
    await store?.close();
    await mock.stop();
    await pg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
