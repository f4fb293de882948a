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
    { id: "faults-broker-revive", label: "broker killed mid-stream, revived on its port", file: "packages/proxy/test/faults/broker-revive.test.ts",
      tags: ["runtime:serial"], reason: "spawns a broker and SIGKILLs it mid-stream; the revival waits on a 5 s heartbeat" },
    { id: "faults-broker-kill", label: "broker SIGKILL under prodex exec", file: "tests/faults/broker-kill.test.ts",
      tags: ["runtime:serial"], reason: "SIGKILLs the shared broker under the real Codex CLI, which retries on its own clock" },
    { id: "faults-launch-kill", label: "launch SIGKILL mid-token-refresh", file: "tests/faults/launch-kill.test.ts",
      tags: ["runtime:serial"], reason: "SIGKILLs a prodex exec holding a refresh lock; the next launch must reclaim it" },
    // The cross-process refresh lock (core/fs/file-lock.ts): 8 and 16 processes race one expiring
    // login; exactly one token call, no refresh-token reuse. Repeated: test:stress --suite serialized.
    { id: "refresh-race", label: "cross-process refresh race", file: "packages/core/src/auth/token-refresh.test.ts",
      filter: "cross-process: \\d+ processes", tags: ["runtime:stress", "serialized"],
      reason: "spawns 8-16 processes racing one lock; a timing race needs repeats on a quiet machine to mean anything" },
  ],
} satisfies ManifestInput;
