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
  cases: [],
} satisfies ManifestInput;
