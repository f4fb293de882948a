#!/usr/bin/env bun
/**
 * The mock ChatGPT backend for the proxy bench, in its own process: a fixed stream (`--chunks`
 * deltas of `--chunk-size` characters, no pacing delays) so every variant gets the same answer.
 * Prints one JSON line `{url, baseUrl, refreshUrl, accounts:[{id, auth}]}`, serves until SIGTERM.
 */
import { parseArgs } from "node:util";
import { createMockBackend, exitWithParent } from "@prodex/mock";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "4" },
    chunks: { type: "string", default: "8" },
    "chunk-size": { type: "string", default: "16" },
  },
  strict: true,
});
const count = Number(values.accounts);
const chunks = Number(values.chunks);
const chunkSize = Number(values["chunk-size"]);
if (![count, chunks, chunkSize].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write("mock-runner: --accounts, --chunks and --chunk-size must be integers >= 1\n");
  process.exit(2);
}

const accounts = Array.from({ length: count }, (_, i) => ({
  id: `acct-bench-${i + 1}`,
  primary: { usedPercent: 10 + i },
}));
const mock = await createMockBackend({
  accounts,
  stream: { chunks, chunkSize },
  reply: "The quick brown fox jumps over the lazy dog. ",
});
const auth = accounts.map((a) => ({ id: a.id, auth: mock.authFile(a.id) }));
process.stdout.write(
  `${JSON.stringify({ url: mock.url, baseUrl: mock.baseUrl, refreshUrl: mock.refreshUrl, accounts: auth })}\n`,
);

const shutdown = () => void mock.stop().then(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
exitWithParent(shutdown);
