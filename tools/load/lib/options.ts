// `bun run load` arguments → a checked plan, or one clear line about what is wrong.
import { parseArgs } from "node:util";
import { SCENARIOS, type ScenarioName } from "./scenarios.ts";
import type { Transport } from "./types.ts";

export const USAGE =
  "usage: bun run load --scenario NAME [--requests N] [--concurrency N] [--duration SECONDS] [--transport sse|ws] [--quick] [--json]\n" +
  `  scenarios: ${SCENARIOS.join(", ")}`;

export type LoadOptions = {
  scenario: ScenarioName;
  requests: number | null;
  concurrency: number | null;
  durationSec: number | null;
  transport: Transport;
  quick: boolean;
  json: boolean;
};

export type Parsed =
  | { ok: true; options: LoadOptions }
  | { ok: false; help: true }
  | { ok: false; help: false; message: string };

const isScenario = (v: string): v is ScenarioName => (SCENARIOS as readonly string[]).includes(v);

export function parseOptions(argv: string[]): Parsed {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        scenario: { type: "string", short: "s" },
        requests: { type: "string" },
        concurrency: { type: "string" },
        duration: { type: "string" },
        transport: { type: "string" },
        quick: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return {
      ok: false,
      help: false,
      message: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "bad arguments",
    };
  }
  if (values.help) return { ok: false, help: true };
  const scenario = values.scenario;
  if (typeof scenario !== "string") return { ok: false, help: false, message: "--scenario is required" };
  if (!isScenario(scenario))
    return { ok: false, help: false, message: `unknown scenario "${scenario}" (one of ${SCENARIOS.join(", ")})` };
  const transport = values.transport ?? "sse";
  if (transport !== "sse" && transport !== "ws")
    return { ok: false, help: false, message: `--transport must be sse or ws, got "${String(transport)}"` };
  const numbers: Record<"requests" | "concurrency" | "duration", number | null> = {
    requests: null,
    concurrency: null,
    duration: null,
  };
  for (const name of ["requests", "concurrency", "duration"] as const) {
    const raw = values[name];
    if (typeof raw !== "string") continue;
    const n = Number(raw);
    const ok = name === "duration" ? Number.isFinite(n) && n > 0 : Number.isInteger(n) && n >= 1;
    if (!ok)
      return {
        ok: false,
        help: false,
        message: `--${name} must be ${name === "duration" ? "a number of seconds > 0" : "an integer >= 1"}, got "${raw}"`,
      };
    numbers[name] = n;
  }
  if (scenario === "slow-client" && transport === "ws") {
    return {
      ok: false,
      help: false,
      message: "slow-client reads over HTTP only (a websocket client cannot read slowly); drop --transport ws",
    };
  }
  return {
    ok: true,
    options: {
      scenario,
      requests: numbers.requests,
      concurrency: numbers.concurrency,
      durationSec: numbers.duration,
      transport,
      quick: values.quick === true,
      json: values.json === true,
    },
  };
}
