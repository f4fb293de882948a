// Typing latency through the wrapper, key → echo:
//   1. end to end: keys written to a PTY, echo read back from it. `direct` runs the echo program
//      in the PTY; `wrapped` runs it inside runWrapped (test/fixtures/wrap-driver.ts, live panel).
//   2. in process: the same echo program in a PTY of this process, read directly vs through
//      runWrapped on an in-memory terminal. Isolates the wrapper's own work from the extra process hop.
//   3. pool event pushed → drawn in the panel.
// Keys alternate between the compared sessions so machine load hits both alike.
// Usage: bun apps/tui/bench/typing-latency.ts [keys=500]
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { createStaticFeed } from "../src/feed/static-feed.ts";
import { runWrapped } from "../src/runtime.ts";
import { sampleEvents, sampleSnapshot } from "../src/ui/fixtures.ts";

const N = Number(process.argv[2] ?? 500);
const WARMUP = 40;
const fixtures = join(import.meta.dir, "..", "test", "fixtures");
const KEY = "¤"; // never drawn by the dashboard, so its appearance in the output is the echo
const cols = 160;
const rows = 45;

function envCopy(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, LANG: "C.UTF-8" };
}

type Session = { name: string; samples: number[]; cpu?: number[]; key(): Promise<number>; close(): Promise<void> };

function session(name: string, cmd: string[]): Session {
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

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const f = (n: number) => n.toFixed(2).padStart(7);

const echo = ["bun", join(fixtures, "fake-agent.ts"), "echo"];
const direct = session("direct", echo);
const wrapped = session("wrapped", ["bun", join(fixtures, "wrap-driver.ts"), ...echo]);
await Bun.sleep(2000); // both programs (and the wrapper's first frames) settle
for (let i = 0; i < N + WARMUP; i++) {
  const order = Math.random() < 0.5 ? [direct, wrapped] : [wrapped, direct];
  for (const s of order) {
    const ms = await s.key();
    if (i >= WARMUP) s.samples.push(ms);
    // Human-ish pauses, so each key starts from idle like real typing.
    await Bun.sleep(5 + Math.random() * 25);
  }
}
await Promise.all([direct.close(), wrapped.close()]);

console.log(`typing latency, ${N} keys each, PTY ${cols}x${rows} (ms, key written → echo read)`);
console.log("            p50      p90      p99      max");
for (const r of [direct, wrapped]) console.log(`${r.name.padEnd(8)} ${f(pct(r.samples, 50))}  ${f(pct(r.samples, 90))}  ${f(pct(r.samples, 99))}  ${f(Math.max(...r.samples))}`);
const added50 = pct(wrapped.samples, 50) - pct(direct.samples, 50);
const added99 = pct(wrapped.samples, 99) - pct(direct.samples, 99);
console.log(`added    ${f(added50)}           ${f(added99)}`);
console.log(added99 <= 5 ? "typing: target met (≤ 5 ms p99 added)" : "typing: target MISSED (> 5 ms p99 added)");

// 2. In process.
class LightIn extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  resume() {}
  pause() {}
}
class LightOut extends EventEmitter {
  isTTY = true;
  columns = cols;
  rows = rows;
  onWrite: ((s: string) => void) | null = null;
  write(s: string) {
    this.onWrite?.(s);
    return true;
  }
}
function inProcess(): { direct: Session; wrapped: Session; done: Promise<number> } {
  const mk = (name: string, send: (s: string) => void, hook: (fn: (s: string) => void) => void): Session => {
    let waiting: ((t: number) => void) | null = null;
    hook((s) => {
      if (waiting && s.includes(KEY)) {
        const w = waiting;
        waiting = null;
        w(performance.now());
      }
    });
    const cpu: number[] = [];
    return {
      name,
      samples: [],
      cpu,
      async key() {
        const echoed = new Promise<number>((resolve) => (waiting = resolve));
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        send(KEY);
        const t1 = await echoed;
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        return t1 - t0;
      },
      async close() {
        send("\x04");
      },
    };
  };
  const decoder = new TextDecoder();
  let onData: (s: string) => void = () => {};
  const proc = Bun.spawn(echo, { env: envCopy(), terminal: { cols: 114, rows, data: (_t, d) => onData(decoder.decode(d, { stream: true })) } });
  const direct = mk("direct", (k) => proc.terminal?.write(k), (fn) => (onData = fn));
  const input = new LightIn();
  const output = new LightOut();
  const now = Date.now();
  const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
  const done = runWrapped({ cmd: echo, env: envCopy(), feed, stdin: input, stdout: output, probeTimeoutMs: 10 });
  const wrapped = mk("wrapped", (k) => input.emit("data", Buffer.from(k)), (fn) => (output.onWrite = fn));
  return { direct, wrapped, done };
}
const ip = inProcess();
await Bun.sleep(1500);
for (let i = 0; i < N + WARMUP; i++) {
  for (const s of Math.random() < 0.5 ? [ip.direct, ip.wrapped] : [ip.wrapped, ip.direct]) {
    const ms = await s.key();
    if (i >= WARMUP) s.samples.push(ms);
    await Bun.sleep(5 + Math.random() * 25);
  }
}
await Promise.all([ip.direct.close(), ip.wrapped.close()]);
await ip.done;
console.log(`\nin process, ${N} keys each (ms): the wrapper's own work, without the extra process hop`);
console.log("            p50      p90      p99      max");
for (const r of [ip.direct, ip.wrapped]) console.log(`${r.name.padEnd(8)} ${f(pct(r.samples, 50))}  ${f(pct(r.samples, 90))}  ${f(pct(r.samples, 99))}  ${f(Math.max(...r.samples))}`);
const ipAdded99 = pct(ip.wrapped.samples, 99) - pct(ip.direct.samples, 99);
console.log(`added    ${f(pct(ip.wrapped.samples, 50) - pct(ip.direct.samples, 50))}           ${f(ipAdded99)}`);
// CPU time this process spent per key: the wrapper's work, whatever the machine's load.
const cpu = (s: Session, p: number) => pct((s.cpu ?? []).slice(WARMUP), p);
console.log(`CPU per key (ms)  direct p50 ${cpu(ip.direct, 50).toFixed(3)} p99 ${cpu(ip.direct, 99).toFixed(3)}  ·  wrapped p50 ${cpu(ip.wrapped, 50).toFixed(3)} p99 ${cpu(ip.wrapped, 99).toFixed(3)}`);

// 3. Event → panel: push pool events into a wrapped session and time until the panel draws them.
const stdin = new LightIn();
const output2 = new LightOut();
const now = Date.now();
const feed = createStaticFeed(sampleSnapshot(now), sampleEvents(now));
const run = runWrapped({ cmd: echo, env: envCopy(), feed, stdin, stdout: output2, probeTimeoutMs: 10 });
await Bun.sleep(1500);
const lat: number[] = [];
// Each message differs from the previous one in every letter, so the diff renderer rewrites the
// whole text in one run and its appearance in the output bytes is the moment it is drawn.
let prev = "aaaaaaaaaa";
output2.onWrite = null;
let missed = 0;
for (let i = -1; i < 100; i++) {
  const msg = [...prev].map((c) => String.fromCharCode(97 + ((c.charCodeAt(0) - 97 + 1 + Math.floor(Math.random() * 24)) % 26))).join("");
  prev = msg;
  const shown = new Promise<number>((resolve) => (output2.onWrite = (s) => s.includes(msg) && resolve(performance.now())));
  const t0 = performance.now();
  feed.push({ kind: "rotation", profile: "personal", message: msg });
  const t1 = await Promise.race([shown, Bun.sleep(1000).then(() => Number.NaN)]);
  // The first event only sets up the row (its predecessor may share letters with it).
  if (i < 0) continue;
  if (Number.isNaN(t1)) missed++;
  else lat.push(t1 - t0);
  await Bun.sleep(20 + Math.random() * 80);
}
stdin.emit("data", Buffer.from("\x04"));
await run;
feed.close();
console.log(`\npool event → panel (100 events, ms): p50 ${pct(lat, 50).toFixed(2)}  p99 ${pct(lat, 99).toFixed(2)}  max ${Math.max(...lat).toFixed(2)}${missed ? `  (${missed} not seen within 1 s)` : ""}`);
console.log(pct(lat, 99) <= 100 ? "events: target met (≤ 100 ms)" : "events: target MISSED (> 100 ms)");
process.exit(0);
