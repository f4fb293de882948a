import { EventEmitter } from "node:events";
import { Terminal } from "@xterm/headless";
import { render, Box } from "ink";
import { AgentPane } from "../src/pane/agent-pane.tsx";
import { PaneSource } from "../src/pane/pane-source.ts";
import { SidePanel } from "../src/ui/components.tsx";
import { makeTheme } from "../src/env/theme.ts";
import { initPoolState } from "../src/feed/pool-state.ts";
import { sampleSnapshot, sampleEvents } from "../src/ui/fixtures.ts";

class Out extends EventEmitter { isTTY = true; columns = 160; rows = 50; bytes = 0; write(s: string) { this.bytes += s.length; return true; } }
class In extends EventEmitter { isTTY = true; setRawMode() {} ; setEncoding() {}; read() { return null; } ref() {} unref() {} resume() {} pause() {} }
const term = new Terminal({ cols: 114, rows: 50, allowProposedApi: true });
const w = (s: string) => new Promise<void>((r) => term.write(s, r));
let s = "";
for (let y = 0; y < 50; y++) s += `\x1b[${y + 1};1H\x1b[3${y % 8}mline ${y} ${"lorem ipsum dolor sit amet ".repeat(4)}\x1b[0m`;
await w(s);
const src = new PaneSource(term, () => false);
const out = new Out();
const times: number[] = [];
const now = Date.now();
const state = initPoolState(sampleSnapshot(now), sampleEvents(now));
const theme = makeTheme();
const App = () => (
  <Box width={160} height={50}>
    <AgentPane source={src} cols={114} rows={50} cursor={true} />
    <SidePanel state={state} theme={theme} width={45} height={50} now={now} title="x" />
  </Box>
);
const inst = render(<App />, { stdout: out as any, stdin: new In() as any, interactive: true, alternateScreen: true, incrementalRendering: true, maxFps: 60, patchConsole: false, exitOnCtrlC: false, onRender: ({ renderTime }) => times.push(renderTime) });
await Bun.sleep(100);
// single char changes
const t: number[] = [];
for (let i = 0; i < 200; i++) {
  await w(String.fromCharCode(97 + (i % 26)));
  const t0 = performance.now();
  const b0 = out.bytes;
  src.publish();
  const t1 = performance.now();
  t.push(t1 - t0);
  await Bun.sleep(20);
}
{ const r = times.slice(50).sort((a,b)=>a-b); console.log("char renderTime p50", r[Math.floor(r.length/2)]?.toFixed(2), "p99", r[Math.floor(r.length*0.99)]?.toFixed(2), r.length); }
t.sort((a, b) => a - b);
console.log("publish→write one char p50", t[100]?.toFixed(2), "p99", t[197]?.toFixed(2));
times.length = 0;
// full redraw
const f: number[] = [];
for (let i = 0; i < 30; i++) {
  let s2 = "";
  for (let y = 0; y < 50; y++) s2 += `\x1b[${y + 1};1H\x1b[38;5;${(y + i) % 255}m${String(i).repeat(110)}\x1b[0m`;
  await w(s2);
  const t0 = performance.now();
  src.publish();
  f.push(performance.now() - t0);
  await Bun.sleep(40);
}
f.sort((a, b) => a - b);
console.log("full redraw p50", f[15]?.toFixed(2), "max", f[29]?.toFixed(2));
{ const r = times.slice().sort((a,b)=>a-b); console.log("full renderTime p50", r[Math.floor(r.length/2)]?.toFixed(2), "max", r.at(-1)?.toFixed(2), r.length); }
console.log("renderTimes sample", times.slice(-5).map((x) => x.toFixed(2)));
inst.unmount();
process.exit(0);
