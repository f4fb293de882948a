#!/usr/bin/env bun
/**
 * Run the mock standalone: `bun packages/mock/src/main.ts --accounts 3 --port 0`.
 * Prints one JSON line (url, baseUrl, refreshUrl, accounts with a fresh auth.json each), serves until SIGTERM
 * or until the process that started it is gone.
 */
import { parseArgs } from "node:util";
import { exitWithParent } from "./parent-watch.ts";
import { createMockBackend } from "./server.ts";

const usage = "usage: bun packages/mock/src/main.ts [--accounts N] [--port P] [--reply TEXT] [--cost PERCENT]";

function fail(message: string): never {
  process.stderr.write(`mock: ${message}\n${usage}\n`);
  process.exit(2);
}

function int(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

let values: { accounts?: string; port?: string; reply?: string; cost?: string; help?: boolean };
try {
  values = parseArgs({
    options: {
      accounts: { type: "string" },
      port: { type: "string" },
      reply: { type: "string" },
      cost: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

const count = int("accounts", values.accounts, 1, 1);
const port = int("port", values.port, 0, 0);
const cost = values.cost === undefined ? 0 : Number(values.cost);
if (!Number.isFinite(cost) || cost < 0) fail(`--cost must be a number >= 0, got "${values.cost}"`);

const accounts = Array.from({ length: count }, (_, i) => ({ id: `acct-mock-${i + 1}`, costPercent: cost }));
let mock: Awaited<ReturnType<typeof createMockBackend>>;
try {
  mock = await createMockBackend({ port, accounts, reply: values.reply });
} catch (e) {
  fail(`cannot listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)}`);
}

const out = {
  url: mock.url,
  baseUrl: mock.baseUrl,
  refreshUrl: mock.refreshUrl,
  accounts: mock.accounts().map((a) => ({ id: a.id, email: a.email, plan: a.plan, auth: mock.authFile(a.id) })),
};
process.stdout.write(`${JSON.stringify(out)}\n`);

const shutdown = () => void mock.stop().then(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
exitWithParent(shutdown);
