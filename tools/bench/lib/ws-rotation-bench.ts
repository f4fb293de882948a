// Websocket costs the steady-state phases do not show: opening a socket (prodex picks the
// account and completes the upstream handshake before it accepts Codex's upgrade), the first
// turn on a fresh socket, and a turn whose account answers a usage-limit error frame first —
// prodex backs it off, opens a socket to the next account and replays the turn there.
import { z } from "zod";
import { type Summary, summarize } from "../../harness/stats.ts";
import { type Target, prepare, upgradeHeaders } from "../../harness/workload.ts";
import { WsConn } from "../../harness/ws-client.ts";

export type WsExtra = {
  samples: number;
  connect: { direct: Summary; prodex: Summary };
  firstTurn: { direct: Summary; prodex: Summary };
  /** TTFB of a turn whose first account answered a usage-limit error frame (prodex only). */
  rotated: Summary;
  errors: number;
  firstError: string | null;
};

const poolState = z.object({ current: z.string().nullable() });

/**
 * The account a fresh prodex socket went to: the profile the proxy just selected for it
 * (`__prodex/state`), mapped to its mock account (the proxy runner names them p1…pN in order).
 * Asking the mock's request log instead would ship megabytes of recorded bodies per sample.
 */
async function servingAccount(stateUrl: string, accounts: readonly string[]): Promise<string | null> {
  const res = await fetch(stateUrl);
  const current = poolState.parse(await res.json()).current;
  const index = current ? Number(current.replace(/^p/, "")) - 1 : -1;
  return accounts[index] ?? null;
}

async function fault(mockUrl: string, account: string): Promise<void> {
  const res = await fetch(`${mockUrl}/__mock/accounts/${account}/faults`, {
    method: "POST",
    body: JSON.stringify({ kind: "usage_limit", resetsInSeconds: 1 }),
  });
  if (!res.ok) throw new Error(`mock admin refused the fault: ${res.status}`);
}

/** One fresh socket: its open time and the TTFB of its first turn. */
async function freshTurn(
  t: Target,
  session: number,
  seq: number,
  before?: () => Promise<void>,
): Promise<{ connect: number; ttfb: number }> {
  const t0 = performance.now();
  const opened = await WsConn.open(t.url.replace(/^http/, "ws"), upgradeHeaders(t, session));
  if (!opened.ok) throw new Error(`${t.name}: ${opened.why}`);
  const connect = performance.now() - t0;
  try {
    await before?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${t.name}: no answer within 30 s`)), 30_000);
    });
    const sample = await Promise.race([opened.conn.turn(prepare(t, seq).frame), timeout]).finally(() =>
      clearTimeout(timer),
    );
    return { connect, ttfb: sample.ttfb };
  } finally {
    opened.conn.close();
  }
}

export async function wsExtra(
  direct: Target,
  prodex: Target,
  at: { mockUrl: string; stateUrl: string; accounts: readonly string[] },
  samples: number,
): Promise<WsExtra> {
  const c = { direct: [] as number[], prodex: [] as number[] };
  const f = { direct: [] as number[], prodex: [] as number[] };
  const rotated: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const attempt = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  };
  // Sessions far from the steady-state phases' ones, so no binding pins them.
  const base = 900_000;
  for (let i = 0; i < samples; i++) {
    await attempt(async () => {
      const d = await freshTurn(direct, base + i, (base + i) * 25);
      c.direct.push(d.connect);
      f.direct.push(d.ttfb);
    });
    await attempt(async () => {
      const p = await freshTurn(prodex, base + samples + i, (base + samples + i) * 25);
      c.prodex.push(p.connect);
      f.prodex.push(p.ttfb);
    });
    await attempt(async () => {
      const r = await freshTurn(prodex, base + 2 * samples + i, (base + 2 * samples + i) * 25, async () => {
        const account = await servingAccount(at.stateUrl, at.accounts);
        if (!account) throw new Error("the proxy reports no current profile");
        await fault(at.mockUrl, account);
      });
      rotated.push(r.ttfb);
    });
    // Each rotation backs its account off until the limit's reset (1–2 s, whole seconds): pace
    // the samples so the pool (4 profiles) always has a ready account, as in real use.
    await Bun.sleep(750);
  }
  return {
    samples,
    connect: { direct: summarize(c.direct), prodex: summarize(c.prodex) },
    firstTurn: { direct: summarize(f.direct), prodex: summarize(f.prodex) },
    rotated: summarize(rotated),
    errors,
    firstError,
  };
}

export function wsExtraLines(x: WsExtra): string[] {
  const s = (v: Summary) => `p50 ${v.p50.toFixed(2)} p99 ${v.p99.toFixed(2)} ms`;
  return [
    `websocket, fresh sockets (${x.samples} each):`,
    `  open       direct ${s(x.connect.direct)} · prodex ${s(x.connect.prodex)} (account pick + upstream handshake before the 101)`,
    `  1st turn   direct ${s(x.firstTurn.direct)} · prodex ${s(x.firstTurn.prodex)} (ttfb)`,
    `  rotated    prodex ${s(x.rotated)} (ttfb when the serving account answers a usage-limit error frame first: back-off, new upstream socket, replay)`,
    `  ${x.errors === 0 ? "every sample completed" : `${x.errors} failed (${x.firstError})`}`,
  ];
}
