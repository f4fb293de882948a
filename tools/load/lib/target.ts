// What the load is aimed at. Today: the prodex proxy in its own process (the bench's proxy
// runner, one profile per mock account). Tomorrow a shared broker: anything that offers the
// same doors — a Codex base URL, an Anthropic root, and the credentials its clients present.
import { spawnRunner } from "../../harness/children.ts";
import { proxyReady } from "../../harness/ready-lines.ts";

export type Target = {
  name: string;
  /** Codex's provider base: `${codexBaseUrl}/responses` takes SSE POSTs and websocket upgrades. */
  codexBaseUrl: string;
  /** Claude Code's ANTHROPIC_BASE_URL (`/v1/messages`), or null when the target has none. */
  anthropicBaseUrl: string | null;
  /** What Codex presents: its own (placeholder) login, which the target swaps for the serving account's, and the launch header. */
  codexAuth: { authorization: string; "chatgpt-account-id": string; [header: string]: string };
  /** What Claude Code presents as its API key. */
  anthropicKey: string | null;
  /** `__prodex/state` (pool snapshot) and `__prodex/events` (live feed), when the target offers them. */
  stateUrl: string | null;
  eventsUrl: string | null;
  /** The serving process, for RSS from /proc (null: not on this machine). */
  pid: number | null;
  /** The target's runtime log, read for per-request attempts (null: none to read). */
  runtimeLogPath: string | null;
  /** Asks the process for a full GC before a memory reading (false: it cannot be asked). */
  gc(): boolean;
  stop(): Promise<void>;
};

/** The prodex proxy in its own process, in front of `mockReady` (the mock runner's ready line). */
export async function startProxyProcess(mockReady: unknown): Promise<Target> {
  const child = await spawnRunner("proxy", "proxy-runner.ts", { stdin: JSON.stringify(mockReady) });
  const p = proxyReady.parse(child.ready);
  // The launch secret: Codex sends it as a header (its URLs carry only the path id), Claude Code as its key.
  return {
    name: "proxy-process",
    codexBaseUrl: p.codexBaseUrl,
    anthropicBaseUrl: p.url,
    codexAuth: { authorization: "Bearer codex-side-token", "chatgpt-account-id": "acct-client", ...p.codexHeaders },
    anthropicKey: p.secret,
    stateUrl: p.stateUrl,
    eventsUrl: p.eventsUrl,
    pid: child.pid,
    runtimeLogPath: p.runtimeLogPath ?? null,
    gc: () => {
      try {
        process.kill(child.pid, "SIGUSR2");
        return true;
      } catch {
        return false;
      }
    },
    stop: () => child.stop(),
  };
}
