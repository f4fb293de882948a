import type { Command } from "commander";
import { UsageError, getProfile, printable, parseSince } from "@prodex/core";
import { type Cli, withCli } from "../cli-context.ts";
import { lastLines, latestRuntimeLog, readAppended } from "../ops/logs/runtime-tail.ts";
import { eventLineJson, eventLineText } from "../output/event-line.ts";
import type { RuntimeLineJson } from "../output/schemas/logs.ts";

type LogsOptions = {
  follow?: boolean;
  json?: boolean;
  profile?: string;
  since?: string;
  runtime?: boolean;
  lines: number;
};

const POLL_MS = 400;

function countArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--lines must be a whole number, got "${value}"`);
  return n;
}

export function registerLogs(program: Command): void {
  program
    .command("logs")
    .description("the pool's events timeline (rotations, limits, refreshes…); --runtime for the proxy's runtime log")
    .option("-f, --follow", "keep printing new lines (Ctrl-C to stop)")
    .option("--json", "JSON Lines: one prodex.event/v1 (or prodex.runtime-log/v1 with --runtime) per line")
    .option("-p, --profile <name>", "only this profile's events")
    .option("--since <time>", "from this long ago (30m, 2h, 1d) or this ISO time")
    .option("--runtime", "the newest runtime log (named by prodex-runtime-latest.path) instead of the events")
    .option("-n, --lines <n>", "how many of the latest lines to start with", countArg, 100)
    .action((opts: LogsOptions) =>
      withCli({}, (cli) => (opts.runtime ? runtimeLogs(cli, opts) : eventLogs(cli, opts))),
    );
}

/** Resolves on SIGINT (exit 130) or SIGTERM (exit 0): the ways to end `--follow`. */
function stopSignal(): { done: Promise<number>; stopped: () => boolean } {
  let stopped = false;
  const done = new Promise<number>((resolve) => {
    process.once("SIGINT", () => {
      stopped = true;
      resolve(130);
    });
    process.once("SIGTERM", () => {
      stopped = true;
      resolve(0);
    });
  });
  return { done, stopped: () => stopped };
}

async function follow(poll: () => void): Promise<void> {
  const stop = stopSignal();
  while (!stop.stopped()) {
    poll();
    await Promise.race([Bun.sleep(POLL_MS), stop.done]);
  }
  process.exitCode = await stop.done;
}

async function eventLogs(cli: Cli, opts: LogsOptions): Promise<void> {
  const { ctx, io } = cli;
  if (opts.profile) getProfile(ctx, opts.profile);
  const since = opts.since === undefined ? undefined : parseSince(opts.since, ctx.now());
  const print = (rows: ReturnType<typeof ctx.store.events.list>) => {
    for (const row of rows)
      io.out(opts.json ? JSON.stringify(eventLineJson(row)) : eventLineText(row, { now: ctx.now(), color: io.color }));
  };
  const first = opts.lines === 0 ? [] : ctx.store.events.list({ since, profile: opts.profile, limit: opts.lines });
  print(first);
  if (!opts.follow) return;
  let last = first.at(-1)?.id ?? ctx.store.events.lastId();
  await follow(() => {
    const rows = ctx.store.events.list({ afterId: last, since, profile: opts.profile, limit: 1_000 });
    print(rows);
    last = rows.at(-1)?.id ?? last;
  });
}

async function runtimeLogs(cli: Cli, opts: LogsOptions): Promise<void> {
  const { ctx, io } = cli;
  if (opts.profile || opts.since)
    throw new UsageError(
      "--profile and --since filter the events, not the runtime log",
      "drop them, or drop --runtime",
    );
  let file = latestRuntimeLog(ctx.paths.runtimeLogPointer);
  const print = (lines: string[]) => {
    for (const line of lines)
      io.out(
        opts.json
          ? JSON.stringify({ schema: "prodex.runtime-log/v1", file, line } satisfies RuntimeLineJson)
          : printable(line),
      );
  };
  const start = lastLines(file, opts.lines);
  print(start.lines);
  if (!opts.follow) return;
  let offset = start.offset;
  await follow(() => {
    const read = readAppended(file, offset);
    print(read.lines);
    offset = read.offset;
    // A newer prodex started another log: finish this one, then move over (like tail -F).
    let latest = file;
    try {
      latest = latestRuntimeLog(ctx.paths.runtimeLogPointer);
    } catch {
      return;
    }
    if (latest !== file) {
      file = latest;
      offset = 0;
      io.note(`following ${file}`);
    }
  });
}
