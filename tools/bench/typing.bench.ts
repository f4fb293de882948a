// The dashboard's cost to the agent, in one run:
//   1. typing, end to end: a key written to a PTY, its echo read back. `bare` runs the echo agent in
//      the PTY alone; `ink` runs it inside the dashboard (runWrapped); `compositor` inside the
//      dashboard before it became an Ink app, when PRODEX_OLD_TUI names a checkout of that code.
//      Several rounds, so the spread shows.
//   2. typing in process (no extra process hop) and the CPU time per key.
//   3. pool event pushed → drawn in the panel.
//   4. a full-screen agent redraw (every row, 256 colours) at 160×50: key → the redraw on screen.
//   5. the dashboard's CPU while the agent is idle.
// Keys alternate between the compared sessions so machine load hits all alike.
// Usage: bun run bench:typing [keys per round=200] [rounds=3]
//        PRODEX_OLD_TUI=/path/to/old/apps/tui bun run bench:typing
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createStaticFeed, runWrapped, sampleEvents, sampleSnapshot, type WrapOptions } from "@prodex/tui/runtime";

const N = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const WARMUP = 30;
const tuiDir = join(import.meta.dir, "..", "..", "apps", "tui");
const oldTui = process.env.PRODEX_OLD_TUI;
const fakeAgent = join(tuiDir, "test", "fixtures", "fake-agent.ts");
const KEY = "¤"; // never drawn by the dashboard, so its appearance in the output is the echo
const cols = 160;
const rows = 45;

type Run = (o: WrapOptions) => Promise<number>;
const compositorRun: Run | null = oldTui
  ? ((await import(join(oldTui, "src", "runtime.ts"))) as { runWrapped: Run }).runWrapped
  : null;

function envCopy(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, LANG: "C.UTF-8" };
}

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const f = (n: number) => n.toFixed(2).padStart(7);

type Session = {
  name: string;
  samples: number[];
  cpu: number[];
  pid?: number;
  key(): Promise<number>;
  close(): Promise<void>;
};

/** A program in a PTY of its own; the key's echo is seen in what the PTY reads back. */
function ptySession(name: string, cmd: string[]): Session {
  const decoder = new TextDecoder();
  let waiting: ((t: number) => void) | null = null;
  let seen = "";
  const proc = Bun.spawn(cmd, {
    env: envCopy(),
    terminal: {
      cols,
      rows,
      data: (_t, d) => {
        const now = performance.now();
        seen = (seen + decoder.decode(d, { stream: true })).slice(-4096);
        if (waiting && seen.includes(KEY)) {
          const w = waiting;
          waiting = null;
          w(now);
        }
      },
    },
  });
  const term = proc.terminal;
  if (!term) throw new Error("no PTY");
  return {
    name,
    samples: [],
    cpu: [],
    pid: proc.pid,
    async key() {
      seen = "";
      const echoed = new Promise<number>((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new Error(`${name}: no echo within 2 s`)), 2000);
      });
      const t0 = performance.now();
      term.write(KEY);
      return (await echoed) - t0;
    },
    async close() {
      term.write("\x04");
      const done = await Promise.race([proc.exited, Bun.sleep(3000).then(() => null)]);
      if (done === null) proc.kill("SIGKILL");
    },
  };
}

/** Alternates keys between sessions, with human-ish pauses so each key starts from idle. */
async function typeInto(sessions: Session[], n: number): Promise<void> {
  for (const s of sessions) s.samples = [];
  for (let i = 0; i < n + WARMUP; i++) {
    const order = sessions.slice().sort(() => Math.random() - 0.5);
    for (const s of order) {
      const c0 = process.cpuUsage();
      const ms = await s.key();
      const c = process.cpuUsage(c0);
      if (i >= WARMUP) {
        s.samples.push(ms);
        s.cpu.push((c.user + c.system) / 1000);
      }
      await Bun.sleep(5 + Math.random() * 25);
    }
  }
}

function table(title: string, sessions: Session[], base: Session): void {
  console.log(title);
  console.log("              p50      p90      p99      max   added p50 / p99");
  for (const r of sessions) {
    const added =
      r === base
        ? ""
        : `   ${f(pct(r.samples, 50) - pct(base.samples, 50))} / ${f(pct(r.samples, 99) - pct(base.samples, 99))}`;
    console.log(
      `${r.name.padEnd(10)} ${f(pct(r.samples, 50))}  ${f(pct(r.samples, 90))}  ${f(pct(r.samples, 99))}  ${f(Math.max(...r.samples))}${added}`,
    );
  }
}

/** CPU time (ms) of a process, from /proc. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

console.log(
  `machine: ${navigator.hardwareConcurrency} cores, shared with other work while this runs; PTY ${cols}x${rows}`,
);

// 1. End to end, several rounds.
const echo = ["bun", fakeAgent, "echo"];
const bare = ptySession("bare", echo);
const ink = ptySession("ink", ["bun", join(tuiDir, "test", "fixtures", "wrap-driver.ts"), ...echo]);
const old = oldTui
  ? ptySession("compositor", ["bun", join(oldTui, "test", "fixtures", "wrap-driver.ts"), ...echo])
  : null;
const e2e = [bare, ink, ...(old ? [old] : [])];
await Bun.sleep(2500); // every program (and the dashboards' first frames) settle
const spread: Record<string, string[]> = {};
for (let r = 1; r <= ROUNDS; r++) {
  await typeInto(e2e, N);
  table(`\n1. typing, end to end, round ${r}/${ROUNDS}, ${N} keys each (ms, key written → echo read)`, e2e, bare);
  for (const s of e2e.slice(1))
    (spread[s.name] ??= []).push(
      `${f(pct(s.samples, 50) - pct(bare.samples, 50)).trim()} / ${f(pct(s.samples, 99) - pct(bare.samples, 99)).trim()}`,
    );
}
console.log("\nadded p50 / p99 per round:");
for (const [name, rs] of Object.entries(spread)) console.log(`  ${name.padEnd(10)} ${rs.join("   ")}`);

// 5. Idle: the dashboards' own CPU over 5 s with the agent waiting for a key.
const IDLE_MS = 5000;
const idle: string[] = [];
for (const s of e2e.slice(1)) {
  if (!s.pid) continue;
  const c0 = cpuMs(s.pid);
  await Bun.sleep(IDLE_MS);
  idle.push(`${s.name} ${(cpuMs(s.pid) - c0).toFixed(0)} ms CPU in ${IDLE_MS / 1000} s`);
}
await Promise.all(e2e.map((s) => s.close()));

// 2. and 4. In process: the agent in a PTY of this process, read directly vs through a dashboard
// on an in-memory terminal.
class LightIn extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  resume() {}
  pause() {}
}
class LightOut extends EventEmitter {
  isTTY = true;
  columns: number;
  rows: number;
  onWrite: ((s: string) => void) | null = null;
  constructor(c: number, r: number) {
    super();
    this.columns = c;
    this.rows = r;
  }
  write(s: string, done?: () => void) {
    this.onWrite?.(s);
    if (typeof done === "function") queueMicrotask(done);
    return true;
  }
}

type InProcess = { session: Session; done: Promise<number> };

function watcher(name: string, send: (s: string) => void, hook: (fn: (s: string) => void) => void): Session {
  let waiting: ((t: number) => void) | null = null;
  hook((s) => {
    if (waiting && s.includes(KEY)) {
      const w = waiting;
      waiting = null;
      w(performance.now());
    }
  });
  return {
    name,
    samples: [],
    cpu: [],
    async key() {
      const echoed = new Promise<number>((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new Error(`${name}: no echo within 2 s`)), 2000);
      });
      const t0 = performance.now();
      send(KEY);
      return (await echoed) - t0;
    },
    async close() {
      send("\x04");
    },
  };
}

function directSession(agent: string[], paneCols: number, r: number): Session {
  const decoder = new TextDecoder();
  let onData: (s: string) => void = () => {};
  const proc = Bun.spawn(agent, {
    env: envCopy(),
    terminal: { cols: paneCols, rows: r, data: (_t, d) => onData(decoder.decode(d, { stream: true })) },
  });
  return watcher(
    "bare",
    (k) => proc.terminal?.write(k),
    (fn) => (onData = fn),
  );
}

function wrappedSession(name: string, run: Run, agent: string[], c: number, r: number): InProcess {
  const input = new LightIn();
  const output = new LightOut(c, r);
  const now = Date.now();
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const done = run({ cmd: agent, env: envCopy(), feed, stdin: input, stdout: output, probeTimeoutMs: 10 });
  return {
    session: watcher(
      name,
      (k) => input.emit("data", Buffer.from(k)),
      (fn) => (output.onWrite = fn),
    ),
    done,
  };
}

/** The pane's width at `c` columns with the side panel beside it (the layout's default). */
const paneWidth = (c: number) => c - 1 - Math.max(32, Math.min(48, Math.round(c * 0.28)));

async function inProcess(title: string, agent: string[], c: number, r: number, n: number): Promise<void> {
  const direct = directSession(agent, paneWidth(c), r);
  const wrapped = [
    wrappedSession("ink", runWrapped, agent, c, r),
    ...(compositorRun ? [wrappedSession("compositor", compositorRun, agent, c, r)] : []),
  ];
  const sessions = [direct, ...wrapped.map((w) => w.session)];
  await Bun.sleep(1500);
  await typeInto(sessions, n);
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(wrapped.map((w) => w.done));
  table(`\n${title}`, sessions, direct);
  const cpu = (s: Session, p: number) => pct(s.cpu, p).toFixed(3);
  console.log(
    `CPU per key (ms, this process)  ${sessions.map((s) => `${s.name} p50 ${cpu(s, 50)} p99 ${cpu(s, 99)}`).join("  ·  ")}`,
  );
}

await inProcess(
  `2. typing in process, ${N} keys each (ms): the dashboard's own work, without the extra process hop`,
  echo,
  cols,
  rows,
  N,
);
await inProcess(
  `4. a full-screen redraw at 160x50 (every row, 256 colours), ${Math.round(N / 2)} keys each (ms, key → redraw on screen)`,
  ["bun", fakeAgent, "splash"],
  160,
  50,
  Math.round(N / 2),
);

// 3. Event → panel: push pool events into a dashboard and time until the panel draws them.
async function eventToPanel(name: string, run: Run): Promise<string> {
  const input = new LightIn();
  const output = new LightOut(cols, rows);
  const now = Date.now();
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const done = run({ cmd: echo, env: envCopy(), feed, stdin: input, stdout: output, probeTimeoutMs: 10 });
  await Bun.sleep(1500);
  const lat: number[] = [];
  // Each message differs from the previous one in every letter, so a line-diffing renderer
  // rewrites the whole text and its appearance in the output is the moment it is drawn.
  let prev = "aaaaaaaaaa";
  let missed = 0;
  for (let i = -1; i < 100; i++) {
    const msg = [...prev]
      .map((ch) => String.fromCharCode(97 + ((ch.charCodeAt(0) - 97 + 1 + Math.floor(Math.random() * 24)) % 26)))
      .join("");
    prev = msg;
    const shown = new Promise<number>(
      (resolve) => (output.onWrite = (s) => s.includes(msg) && resolve(performance.now())),
    );
    const t0 = performance.now();
    feed.push({ kind: "rotation", profile: "personal", message: msg });
    const t1 = await Promise.race([shown, Bun.sleep(1000).then(() => Number.NaN)]);
    if (i < 0) continue; // the first event only sets up the row
    if (Number.isNaN(t1)) missed++;
    else lat.push(t1 - t0);
    await Bun.sleep(20 + Math.random() * 80);
  }
  input.emit("data", Buffer.from("\x04"));
  await done;
  feed.close();
  const late = missed ? `  (${missed} not seen within 1 s)` : "";
  const max = Math.max(...lat).toFixed(2);
  return `${name.padEnd(10)} p50 ${pct(lat, 50).toFixed(2)}  p99 ${pct(lat, 99).toFixed(2)}  max ${max}${late}`;
}
console.log("\n3. pool event → panel (100 events, ms)");
console.log(`  ${await eventToPanel("ink", runWrapped)}`);
if (compositorRun) console.log(`  ${await eventToPanel("compositor", compositorRun)}`);

console.log(`\n5. the dashboard's CPU while the agent is idle\n  ${idle.join("\n  ")}`);
process.exit(0);
