import type { ManifestInput } from "./schema.ts";

/**
 * prodex's test manifest: which tests leave the parallel lanes, and the broad runtime shards.
 * Unlisted unit and integration tests run in `test:fast`; every runtime-proxy test
 * (packages/proxy/test/runtime) must be owned by a shard below or by a case.
 * Rules and how to pick a tag: docs/testing.md. `bun run ci:runtime-manifest` checks it.
 */
export const manifest = {
  runtimeDir: "packages/proxy/test/runtime",
  shards: [
    // Keep in step with RUNTIME_SHARDS in .ci/run (the guard compares them).
    { label: "runtime-proxy", filter: "packages/proxy/test/runtime/", timeoutMinutes: 10 },
  ],
  cases: [
    // Fault injection (docs/faults.md): these start brokers and SIGKILL processes mid-work, and
    // lean on timing (heartbeats, Codex's retries); one at a time keeps them honest on 2 cores.
    {
      id: "faults-broker-revive",
      label: "broker killed mid-stream, revived on its port",
      file: "packages/proxy/test/faults/broker-revive.test.ts",
      tags: ["runtime:serial"],
      reason: "spawns a broker and SIGKILLs it mid-stream; the revival waits on a 5 s heartbeat",
    },
    {
      id: "faults-broker-kill",
      label: "broker SIGKILL under prodex exec",
      file: "tests/faults/broker-kill.test.ts",
      tags: ["runtime:serial"],
      reason: "SIGKILLs the shared broker under the real Codex CLI, which retries on its own clock",
    },
    {
      id: "faults-launch-kill",
      label: "launch SIGKILL mid-token-refresh",
      file: "tests/faults/launch-kill.test.ts",
      tags: ["runtime:serial"],
      reason: "SIGKILLs a prodex exec holding a refresh lock; the next launch must reclaim it",
    },
    // The cross-process refresh lock (core/fs/file-lock.ts): 8 and 16 processes race one expiring
    // login; exactly one token call, no refresh-token reuse. Repeated: test:stress --suite serialized.
    {
      id: "refresh-race",
      label: "cross-process refresh race",
      file: "packages/core/src/auth/token-refresh.test.ts",
      filter: "cross-process: \\d+ processes",
      tags: ["runtime:stress", "serialized"],
      reason: "spawns 8-16 processes racing one lock; a timing race needs repeats on a quiet machine to mean anything",
    },

    // ── core:serial ──
    {
      id: "paths-process-env",
      label: "paths from the process environment",
      file: "packages/core/src/paths.test.ts",
      name: "resolvePaths with no argument, the process environment decides",
      tags: ["core:serial"],
      reason: "sets and restores process.env (XDG_STATE_HOME, PRODEX_HOME) to test the default argument",
    },

    // ── continuation: affinity across turns (runtime:stress + continuation, repeated) ──
    {
      id: "continuation-http",
      label: "continuation affinity over HTTP",
      file: "packages/proxy/test/runtime/codex-affinity.test.ts",
      filter: "^continuation affinity ",
      tags: ["runtime:stress", "continuation"],
      reason:
        "turn state, session ids, encrypted-reasoning ownership and the 409 for a stale continuation ride on bindings across turns",
    },
    {
      id: "continuation-ws",
      label: "continuation affinity over the websocket",
      file: "packages/proxy/test/runtime/codex-ws.test.ts",
      filter:
        "previous_response_id stays on its account|owner exhausted: replayed|rotated away unseen, the conversation replayed",
      tags: ["runtime:stress", "continuation"],
      reason: "websocket continuations: previous_response_id and replay keep a conversation's account",
    },
    {
      id: "continuation-claude",
      label: "continuation affinity for Claude Code",
      file: "packages/proxy/test/runtime/claude-rotation.test.ts",
      filter:
        "keeps its account \\(x-claude-code-session-id\\)|thinking signature finds its account|moving an account-bound conversation",
      tags: ["runtime:stress", "continuation"],
      reason: "session ids and signed thinking bind a conversation to its account across turns",
    },

    // ── serialized: ordering and lifecycle ──
    {
      id: "broker-lifecycle",
      label: "broker start races, lease expiry, drain",
      file: "packages/proxy/test/runtime/broker-lifecycle.test.ts",
      tags: ["runtime:stress", "serialized"],
      reason:
        "two processes attaching at one instant, a killed launch's lease expiring, attaching while the last launch exits, SIGTERM draining: ordering under real processes",
    },
    {
      id: "commit-point-order",
      label: "commit-point ordering of held events",
      file: "packages/proxy/test/runtime/codex-sse.test.ts",
      filter: "inside the first events of a 200 stream|after the commit point",
      tags: ["runtime:stress", "serialized"],
      reason: "held events are released or rotated away at the commit point; the order is what is tested",
    },

    // ── stress: bursts and load, bounded ──
    {
      id: "stress-burst",
      label: "bursts, rotation under 8 streams, abort storm",
      file: "packages/proxy/test/runtime/stress-burst.test.ts",
      tags: ["runtime:stress", "stress"],
      reason: "load on one proxy: 8-24 concurrent streams and 16 aborts at once",
    },
    {
      id: "stress-abort",
      label: "a client leaving before the first output",
      file: "packages/proxy/test/runtime/client-abort.test.ts",
      tags: ["runtime:stress", "stress"],
      reason: "an abort racing the hold: repeated to catch the interleavings",
    },

    // ── env / env:parallel: PRODEX_HOME, CODEX_HOME, the runtime-log pointer, as isolated processes ──
    {
      id: "env-runtime-log-dir",
      label: "runtime log folder and planted pointers",
      file: "tests/security/runtime-log-dir.test.ts",
      tags: ["runtime:env", "env:parallel"],
      reason: "the default runtime-log folder from PRODEX_HOME, and the pointer",
    },
    {
      id: "env-logs-runtime",
      label: "prodex logs --runtime",
      file: "tests/e2e/ops.test.ts",
      name: "prodex logs --runtime prints the newest runtime log and follows it",
      tags: ["runtime:env", "env:parallel"],
      reason: "reads and writes the runtime-log pointer",
    },
    {
      id: "env-import-current",
      label: "import-current from CODEX_HOME",
      file: "apps/cli/test/profile.test.ts",
      name: "prodex profile import-current copies the login of the CODEX_HOME given in the env",
      tags: ["runtime:env", "env:parallel"],
      reason: "reads CODEX_HOME",
    },

    // ── runtime by content outside the runtime folder (they start the proxy, a broker or a
    // prodex launch; each world is isolated by env, so they stay in the parallel lanes) ──
    ...[
      "packages/proxy/test/faults/log-faults.test.ts",
      "packages/proxy/test/faults/store-faults.test.ts",
      "packages/proxy/test/faults/token-faults.test.ts",
      "packages/proxy/test/faults/upstream-faults.test.ts",
      "tests/e2e/binary.test.ts",
      "tests/e2e/broker.test.ts",
      "tests/e2e/claude.test.ts",
      "tests/e2e/codex-ws.test.ts",
      "tests/e2e/codex.test.ts",
      "tests/e2e/dashboard.test.ts",
      "tests/e2e/exit-codes.test.ts",
      // The team gateway: its own PostgreSQL cluster, instances, mock and laptop homes per file.
      "tests/e2e/gateway.test.ts",
      "tests/e2e/gateway-dashboard.test.ts",
      "tests/e2e/gateway-limits.test.ts",
      "tests/e2e/json-schemas.test.ts",
      "tests/e2e/pipeline.test.ts",
      "tests/e2e/serve.test.ts",
      "tests/e2e/usage.test.ts",
      "tests/faults/db-busy.test.ts",
      "tests/faults/faults-env.test.ts",
      "tests/security/redaction.test.ts",
    ].map((file) => ({
      id: parallelCaseId(file),
      label: `${file} (runtime by content, parallel-safe)`,
      file,
      tags: ["runtime:parallel-safe" as const],
    })),
    {
      id: "parallel-ops-info",
      label: "prodex info with a serve running",
      file: "tests/e2e/ops.test.ts",
      name: "prodex info pools stored quota, estimates the run-out from the recent burn, lists live and dead processes",
      tags: ["runtime:parallel-safe"],
    },
  ],
} satisfies ManifestInput;

/** `tests/e2e/serve.test.ts` → `parallel-serve-e2e`; a package's file → `parallel-<name>-proxy`. */
function parallelCaseId(file: string): string {
  const name = file.replace(/^.*\//, "").replace(/\.test\.ts$/, "");
  const [top, folder] = file.split("/");
  return `parallel-${name}-${top === "tests" ? folder : "proxy"}`;
}
