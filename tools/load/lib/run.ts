// Plays one scenario: the mock and the target in their own processes, observers on both, an
// unmeasured warm-up and a memory baseline, the measured run, a settle, and the report.
import { readFileSync, statSync } from "node:fs";
import { seeded } from "@prodex/mock";
import { indexedReply } from "./answer-text.ts";
import { startBackend } from "./backend.ts";
import { clients } from "./clients.ts";
import { drive } from "./driver.ts";
import { accountFigures, memoryFigures, poolFigures, poolState, servingNow } from "./figures.ts";
import { metrics } from "./metrics.ts";
import { EventsFeed, Readiness, RssSampler } from "./observers.ts";
import type { LoadOptions } from "./options.ts";
import { type Report, SCHEMA, verdicts } from "./report.ts";
import { type Phase, QUICK_STORM_COST, type Scenario, type Size } from "./scenarios.ts";
import { heldWhileStalled, settle, waitStreamsGone } from "./settle.ts";
import { type Target, startProxyProcess } from "./target.ts";
import type { Behaviour, Outcome } from "./types.ts";

/** The run's size: the scenario's (full or --quick), then any --requests/--concurrency/--duration. */
export function sizeOf(s: Scenario, o: Pick<LoadOptions, "quick" | "requests" | "concurrency" | "durationSec">): Size {
  const d = o.quick ? s.quick : s.full;
  return {
    requests: o.requests ?? d.requests,
    concurrency: o.concurrency ?? d.concurrency,
    durationSec: o.durationSec ?? d.durationSec,
  };
}

export function phasesOf(s: Scenario, size: Size): Phase[] {
  return s.phases ? s.phases(size) : [{ name: "main", concurrency: size.concurrency, requests: size.requests }];
}

export async function runScenario(s: Scenario, o: LoadOptions, progress: (line: string) => void): Promise<Report> {
  const size = sizeOf(s, o);
  const phases = phasesOf(s, size);
  const { chunks, chunkSize } = s.mock.stream;
  const answer = { chunks, size: chunkSize };
  const costPercent = o.quick && s.mock.costPercent > 0 ? QUICK_STORM_COST : s.mock.costPercent;
  const drain = s.drainKiBPerSec ? s.drainKiBPerSec[o.quick ? 1 : 0] * 1024 : null;
  const warmup = s.warmup[o.quick ? 1 : 0];
  const stallMs = s.stallMs ? s.stallMs[o.quick ? 1 : 0] : null;
  const rng = seeded(s.mock.rates.seed);
  let stalled = 0;
  const behaviour = (phase: string): Behaviour => ({
    // "Mid-answer": after at least one delta and before the last.
    abortAfterDeltas: s.abortShare > 0 && rng() < s.abortShare ? 1 + Math.floor(rng() * Math.max(1, chunks - 2)) : null,
    // The warm-up reads at full speed; only measured clients are slow.
    drainBytesPerSec: phase === "warm-up" ? null : drain,
    stallMs: phase === "warm-up" ? null : stallMs,
    onStall: () => {
      stalled++;
    },
  });

  progress(
    `mock: ${s.mock.accounts} accounts, ${chunks} deltas × ${chunkSize} chars${costPercent ? `, ${costPercent}% of the 5h window per answer` : ""}`,
  );
  const backend = await startBackend({ ...s.mock, costPercent, reply: indexedReply(chunks, chunkSize) });
  let target: Target | null = null;
  const feed = new EventsFeed();
  let runStart = performance.now();
  const readiness = new Readiness(backend, () => performance.now() - runStart);
  try {
    target = await startProxyProcess(backend.ready);
    const t = target;
    progress(
      `target: ${t.name} (pid ${t.pid ?? "?"}) at ${t.codexBaseUrl.replace(/\/[sk]\/[^/]+\//, (m) => `${m.slice(0, 3)}***/`)}`,
    );
    if (t.eventsUrl) await feed.connect(t.eventsUrl);
    await readiness.begin();
    const timeoutMs = 60_000;
    const c = clients(t, o.transport, s.claudeShare, answer, timeoutMs);
    const rss = new RssSampler(t.pid);
    let offset = 0;
    const job = async (seq: number, worker: number, phase: string): Promise<Outcome> => {
      const at = performance.now() - runStart;
      if (s.rateLimitShare > 0 && rng() < s.rateLimitShare) {
        // On the account serving now, so the limit meets traffic instead of waiting on an idle account.
        const account = readiness.busiest ?? backend.accountIds[Math.floor(rng() * backend.accountIds.length)] ?? "";
        await backend.fault(account, { kind: "rate_limit" }).catch(() => {});
      }
      const { turnState: _, ...r } = await c.send(offset + seq, worker, behaviour(phase));
      const end = performance.now() - runStart;
      const readyAfterError = r.error === null ? null : await readiness.read(end).catch(() => []);
      return { ...r, seq: offset + seq, phase, at, end, readyAfterError };
    };
    try {
      if (warmup > 0) {
        progress(
          `warm-up: ${warmup} unmeasured requests${s.abortShare > 0 ? " (cancelled mid-answer, like the run)" : ""}`,
        );
        await drive([{ name: "warm-up", concurrency: Math.min(8, size.concurrency), requests: warmup }], job, {
          deadline: performance.now() + 120_000,
        });
        offset = warmup;
      }
      const beforeMb = await settle(t, rss);
      const logFrom = t.runtimeLogPath ? statSync(t.runtimeLogPath).size : 0;
      const steps = phases.map((p) => `${p.requests} @ c=${p.concurrency}`).join(" → ");
      const until = s.untilAllExhausted ? ", until no account can serve" : "";
      progress(`run: ${steps} over ${o.transport}, at most ${size.durationSec} s${until}`);
      const serving = t.stateUrl ? servingNow.safeParse(await (await fetch(t.stateUrl)).json()) : null;
      runStart = performance.now();
      const runEpoch = Date.now();
      rss.start();
      const first = phases[0];
      const held =
        stallMs === null || !first
          ? null
          : heldWhileStalled(t, backend, rss, Math.min(first.concurrency, first.requests), () => stalled, stallMs);
      const run = await drive(phases, job, {
        deadline: runStart + size.durationSec * 1000,
        stop: s.untilAllExhausted ? () => readiness.allGone() : undefined,
      });
      const wallMs = performance.now() - runStart;
      const stall = await held;
      rss.stop();
      const peakMb = rss.peakMb;
      c.close();

      progress("settling: waiting for the mock's streams to close, then a GC in the target");
      const gone = await waitStreamsGone(backend, 5_000);
      const afterMb = await settle(t, rss);
      const poolJson = t.stateUrl ? poolState.safeParse(await (await fetch(t.stateUrl)).json()) : null;
      const logText = t.runtimeLogPath ? readFileSync(t.runtimeLogPath).subarray(logFrom).toString("utf8") : null;
      const last = await backend.state();

      const profileOf = (id: string) => `p${backend.accountIds.indexOf(id) + 1}`;
      const pool = poolFigures(
        feed.events,
        runEpoch,
        serving?.success ? serving.data.current : null,
        poolJson?.success ? poolJson.data.profiles : [],
        logText,
      );
      const memory = memoryFigures(run.results, { beforeMb, peakMb, afterMb }, stall);
      const report: Omit<Report, "verdicts" | "ok"> = {
        schema: SCHEMA,
        scenario: s.name,
        summary: s.summary,
        quick: o.quick,
        transport: o.transport,
        target: t.name,
        plan: { ...size, phases, warmup },
        stoppedBy: run.stoppedBy === "stopped" ? "no account left" : run.stoppedBy,
        wallMs,
        metrics: metrics(run.results, wallMs),
        pool,
        accounts: accountFigures(last, profileOf),
        readinessLost: readiness.lost.map((l) => ({
          account: l.account,
          profile: profileOf(l.account),
          at: l.at,
          why: l.why,
        })),
        memory,
        mock: {
          activeStreamsAfter: gone.state.activeStreams,
          drainMs: gone.drainMs,
          stall: stall ? { clients: stall.clients, answersSent: stall.answersSent, idle: stall.idle } : null,
        },
      };
      const vs = verdicts(report, s.thresholds);
      return { ...report, verdicts: vs, ok: vs.every((v) => v.ok || !v.enforced) };
    } finally {
      c.close();
    }
  } finally {
    readiness.stop();
    await feed.stop();
    await target?.stop();
    await backend.stop();
  }
}
