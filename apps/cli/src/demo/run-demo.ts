import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PoolEvent } from "@prodex/core";
import { type ProxyHandle, connectFeed, startProxy } from "@prodex/proxy";
import { type AgentBin, agentVersion } from "../launch/agent-bin.ts";
import { codexLaunch, codexWebsockets } from "../launch/codex-launch.ts";
import type { Io } from "../output/io.ts";
import { ensureCodex } from "./agent-install.ts";
import { DEMO_ACCOUNTS, type DemoWorld, createDemoWorld } from "./demo-world.ts";

export type DemoOptions = {
  prompts: number;
  keep: boolean;
  installAgent: boolean;
  interactive: boolean;
  dashboard: boolean;
};

const PROMPTS = [
  "say hi",
  "summarise what prodex does in one line",
  "suggest a name for a test helper",
  "write a haiku about quotas",
  "explain account rotation to a colleague",
  "list three things to check before a release",
];

const EVENT_KINDS = new Set(["profile.selected", "rotation", "backoff", "auth.needs_login", "request.failed"]);
// Keeps Codex on the mock: no analytics or metrics to OpenAI's hosts from a demo.
const QUIET_CODEX = ["-c", "analytics.enabled=false"];

const nameOf = (id: string) => DEMO_ACCOUNTS.find((d) => d.id === id)?.name ?? id;

function poolLine(world: DemoWorld): string {
  return world.mock
    .accounts()
    .map(
      (a) =>
        `${nameOf(a.id)} ${Math.max(0, 100 - a.primary.usedPercent).toFixed(0)}%${a.exhausted ? " (exhausted)" : ""}`,
    )
    .join(" · ");
}

function completed(world: DemoWorld): Map<string, number> {
  return new Map(world.mock.accounts().map((a) => [a.id, a.counters.completed]));
}

/** Which account's completed-answer counter moved since `before`. */
function servedBy(world: DemoWorld, before: Map<string, number>): string | null {
  const a = world.mock.accounts().find((x) => x.counters.completed > (before.get(x.id) ?? 0));
  return a ? nameOf(a.id) : null;
}

type Session = {
  io: Io;
  world: DemoWorld;
  proxy: ProxyHandle;
  bin: AgentBin;
  version: string | null;
  codexHome: string;
  rotations: string[];
  interrupted: () => boolean;
  track(child: { kill(signal?: number | NodeJS.Signals): void } | null): void;
};

/** N `codex exec` prompts: stdout gets each answer; stderr which account served it and every rotation. */
async function headless(s: Session, prompts: number): Promise<number> {
  const { io, world } = s;
  for (let i = 0; i < prompts && !s.interrupted(); i++) {
    const prompt = PROMPTS[i % PROMPTS.length] as string;
    const before = completed(world);
    const spec = codexLaunch({
      bin: s.bin.path,
      subcommand: ["exec"],
      userArgs: ["--skip-git-repo-check", ...QUIET_CODEX, prompt],
      codexHome: s.codexHome,
      proxy: s.proxy,
      env: world.env,
      websockets: codexWebsockets(world.env),
      version: s.version,
    });
    io.note(`prompt ${i + 1}/${prompts}: ${prompt}`);
    const child = Bun.spawn(spec.cmd, {
      env: spec.env,
      cwd: world.work,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    s.track(child);
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    s.track(null);
    if (s.interrupted()) return 130;
    if (code !== 0) {
      io.err(`prodex: codex exited with ${code} on prompt ${i + 1}:\n${err.trim().split("\n").slice(-15).join("\n")}`);
      return code;
    }
    io.out(out.trim());
    io.note(`  answered by ${servedBy(world, before) ?? "?"} — pool now: ${poolLine(world)}`);
  }
  if (s.interrupted()) return 130;
  io.note(
    s.rotations.length
      ? `${s.rotations.length} rotation(s); Codex never saw a limit error.`
      : "no rotation this time (run with --prompts 6 to see one)",
  );
  return 0;
}

/** Interactive Codex inside the dashboard: the user types, the pool panel shows alice running out. */
async function dashboard(s: Session): Promise<number> {
  const { io, world } = s;
  // The demo workspace is the demo's own: trusted, so Codex opens straight on its prompt.
  writeFileSync(
    join(world.env.PRODEX_SHARED_CODEX_HOME as string, "config.toml"),
    `[projects.${JSON.stringify(world.work)}]\ntrust_level = "trusted"\n`,
  );
  const spec = codexLaunch({
    bin: s.bin.path,
    subcommand: [],
    userArgs: QUIET_CODEX,
    codexHome: s.codexHome,
    proxy: s.proxy,
    env: world.env,
    websockets: codexWebsockets(world.env),
    version: s.version,
  });
  const { runWrapped } = await (await import("@prodex/tui/load")).loadTui();
  const feed = await connectFeed(s.proxy);
  try {
    const code = await runWrapped({ cmd: spec.cmd, env: spec.env, cwd: world.work, feed, title: "codex (demo)" });
    io.note(`demo over: ${s.rotations.length} rotation(s); pool: ${poolLine(world)}`);
    return code;
  } finally {
    feed.close();
  }
}

/**
 * `prodex demo`: three simulated accounts on the embedded mock, in a throwaway PRODEX_HOME, the
 * real Codex CLI through the proxy — inside the dashboard on a terminal, else headless prompts.
 */
export async function runDemo(io: Io, o: DemoOptions): Promise<number> {
  const bin = await ensureCodex(io, { install: o.installAgent, interactive: o.interactive });
  const world = await createDemoWorld(io.env);
  let child: { kill(signal?: number | NodeJS.Signals): void } | null = null;
  let interrupted = false;
  // With the dashboard, the wrapper owns Ctrl-C (it goes to Codex); headless, it ends the demo.
  const onSignal = () => {
    interrupted = true;
    child?.kill("SIGTERM");
  };
  if (!o.dashboard) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  const proxy = await startProxy({
    ctx: world.ctx,
    upstreamBase: world.mock.baseUrl,
    preferred: "alice",
    autoRotate: true,
  });
  const rotations: string[] = [];
  const unsubscribe = world.ctx.events.subscribe((e: PoolEvent) => {
    if (!EVENT_KINDS.has(e.kind)) return;
    if (e.kind === "profile.selected" && e.data?.from) rotations.push(e.message);
    if (!o.dashboard) io.note(`  ↻ ${e.message}`);
  });
  const session: Session = {
    io,
    world,
    proxy,
    bin,
    version: await agentVersion(bin),
    codexHome: world.ctx.store.profiles.get("alice")?.codexHome ?? "",
    rotations,
    interrupted: () => interrupted,
    track: (c) => void (child = c),
  };
  try {
    io.note(
      `demo: three simulated ChatGPT accounts on a local mock; nothing leaves this machine and your own pool is untouched (PRODEX_HOME=${world.env.PRODEX_HOME})`,
    );
    const watch = o.dashboard ? "; she runs out after three answers: type a few prompts and watch the panel" : "";
    io.note(`pool: ${poolLine(world)} (5h left) — alice resets soonest, so prodex spends her first${watch}`);
    const code = o.dashboard ? await dashboard(session) : await headless(session, o.prompts);
    if (o.keep)
      io.note(
        `kept ${world.dir}: PRODEX_HOME=${world.env.PRODEX_HOME} PRODEX_RUNTIME_LOG_DIR=${world.env.PRODEX_RUNTIME_LOG_DIR} prodex logs`,
      );
    return code;
  } finally {
    unsubscribe();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await proxy.stop({ drainMs: 1_000 });
    await world.close(o.keep);
  }
}
