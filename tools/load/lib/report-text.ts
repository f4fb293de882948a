// The report for people: a short block of figures, then one PASS/FAIL line per threshold.
import type { Slice, Summary } from "./metrics.ts";
import type { Report } from "./report.ts";

const f = (v: number | null, digits = 1) => (v === null ? "-" : v.toFixed(digits));
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const row = (name: string, s: Summary) =>
  `${name.padEnd(10)} ${String(s.n).padStart(6)} ${[s.p50, s.p90, s.p99, s.max].map((v) => f(v).padStart(8)).join("")}`;
const brief = (name: string, s: Slice) =>
  `${name} ${s.requests} (${s.errors} errors, total p50/p99 ${f(s.total.p50, 0)}/${f(s.total.p99, 0)} ms)`;

export function reportLines(r: Report): string[] {
  const m = r.metrics;
  const out: string[] = [];
  out.push(`prodex load · ${r.scenario}${r.quick ? " (--quick)" : ""} — ${r.summary}`);
  const plan = r.plan.phases.map((p) => `${p.requests} @ c=${p.concurrency}`).join(" → ");
  out.push(
    `target ${r.target} · ${r.transport} · ${plan} (warm-up ${r.plan.warmup}) · ${sec(r.wallMs)}, stopped by: ${r.stoppedBy}`,
  );
  out.push("");
  out.push(
    `requests   ${m.requests} · completed ${m.completed} · cancelled on purpose ${m.aborted} · errors ${m.errors} (${(m.errorRate * 100).toFixed(2)}%) · while an account was ready: ${m.errorsWhileReady}`,
  );
  out.push(`${"(ms)".padEnd(10)} ${"n".padStart(6)}${["p50", "p90", "p99", "max"].map((h) => h.padStart(8)).join("")}`);
  out.push(row("ttfb", m.ttfb));
  out.push(row("total", m.total));
  out.push(`throughput ${f(m.rps)} completed/s · ${(m.bytes / 1024 / 1024).toFixed(1)} MiB to clients`);
  out.push(
    `status     ${Object.entries(m.statuses)
      .map(([s, n]) => `${s === "0" ? "no answer" : s}×${n}`)
      .join(" ")}`,
  );
  out.push(
    `routes     ${Object.entries(m.routes)
      .map(([name, s]) => brief(name, s))
      .join(" · ")}`,
  );
  if (Object.keys(m.phases).length > 1)
    out.push(
      `phases     ${Object.entries(m.phases)
        .map(([name, s]) => brief(name, s))
        .join(" · ")}`,
    );
  out.push(
    `stream     ${m.deltas} deltas · ${m.orderViolations} out of order · ${m.incomplete} completed answers not whole`,
  );
  const p = r.pool;
  const backoffs =
    Object.entries(p.backoffs)
      .map(([k, n]) => `${k}×${n}`)
      .join(" ") || "none";
  out.push(
    `pool       rotations ${p.rotations} · retries ${p.retries ?? "?"} · backoffs ${backoffs}${p.log ? ` · unserved ${p.log.unserved}` : ""}`,
  );
  if (p.sequence.length > 0) {
    const seq = p.sequence.map((s) => `${s.profile} (${sec(s.at)})`);
    // A long run shows its first and last dozen hand-overs, not every one.
    const shown = seq.length > 24 ? [...seq.slice(0, 12), `… ${seq.length - 24} more …`, ...seq.slice(-12)] : seq;
    out.push(`serving    ${shown.join(" → ")}`);
  }
  const account = (a: (typeof r.accounts)[number]) =>
    `${a.profile} ${f(a.usedPercent, 0)}%${a.exhausted ? " exhausted" : ""}` +
    ` (${a.completed} done, ${a.limited} limited, ${a.errors} failed)`;
  out.push(`accounts   ${r.accounts.map(account).join(" · ")}`);
  if (r.readinessLost.length > 0)
    out.push(`ran out    ${r.readinessLost.map((l) => `${l.profile} at ${sec(l.at)} (${l.why})`).join(" → ")}`);
  const mem = r.memory;
  const perRequest = mem.perRequestKiB === null ? "" : `, ${mem.perRequestKiB.toFixed(2)} KiB per request`;
  const growth =
    mem.growthPct === null
      ? ""
      : ` (${mem.growthPct >= 0 ? "+" : ""}${mem.growthPct.toFixed(1)}% after settle${perRequest})`;
  const stall = r.mock.stall;
  const flight =
    mem.inFlightMb === null || !stall
      ? ""
      : ` · ${f(mem.heldMb)} MiB after a GC while ${stall.clients} clients sat on ${mem.inFlightMb.toFixed(1)} MiB of unread answers (the mock had sent ${stall.answersSent ?? "?"} of them in full${stall.idle ? "" : "; the target was still busy"})`;
  out.push(
    `memory     target RSS ${f(mem.beforeMb)} → peak ${f(mem.peakMb)} → ${f(mem.afterMb)} MiB${growth}${flight}`,
  );
  const drained =
    r.mock.drainMs === null
      ? " (still open after 5 s)"
      : ` (all closed ${f(r.mock.drainMs, 0)} ms after the last client)`;
  out.push(`mock       streams open after the run: ${r.mock.activeStreamsAfter}${drained}`);
  for (const e of m.topErrors) out.push(`error      ${e.count}× ${e.error}`);
  out.push("");
  for (const v of r.verdicts)
    out.push(
      `${(v.ok ? "PASS" : v.enforced ? "FAIL" : "MISS").padEnd(4)}  ${v.name}: ${v.figure} (limit ${v.limit})${v.enforced ? "" : " — not enforced with --quick"}`,
    );
  return out;
}
