import { rmSync } from "node:fs";
import type { Command } from "commander";
import type { Context } from "@prodex/core";
import { withCli } from "../cli-context.ts";
import { type Action, planCleanup } from "../ops/cleanup/cleanup-plan.ts";
import { scanCleanup } from "../ops/cleanup/cleanup-scan.ts";

export function registerCleanup(program: Command): void {
  program
    .command("cleanup")
    .description(
      "remove stale runtime logs, leftover login homes, dead proxy registrations, files of stopped shared proxies and orphaned profile homes",
    )
    .option("--dry-run", "only list what would be removed")
    .option("--force", "also delete orphaned profile homes that still hold a login")
    .action((opts: { dryRun?: boolean; force?: boolean }) =>
      withCli({}, ({ ctx, io }) => {
        const actions = planCleanup(scanCleanup(ctx), { force: opts.force ?? false });
        if (actions.length === 0) {
          io.out("nothing to clean up");
          return;
        }
        let removed = 0;
        for (const a of actions) {
          if (!a.remove) {
            io.out(`kept ${a.target}: ${a.reason}`);
            continue;
          }
          const size = a.bytes === null ? "" : `, ${Math.max(1, Math.round(a.bytes / 1024))} KB`;
          if (opts.dryRun) {
            io.out(`would remove ${label(a)} ${a.target} (${a.reason}${size})`);
            continue;
          }
          apply(ctx, a);
          removed++;
          io.out(`removed ${label(a)} ${a.target} (${a.reason}${size})`);
        }
        if (removed > 0) ctx.events.emit({ kind: "control", message: `cleanup removed ${removed} item(s)` });
      }),
    );
}

function label(a: Action): string {
  return {
    "runtime-log": "runtime log",
    "login-home": "login home",
    runtime: "registration",
    "orphan-home": "profile home",
    "broker-file": "shared proxy file",
  }[a.kind];
}

function apply(ctx: Context, a: Action): void {
  if (a.kind === "runtime") ctx.store.runtimes.remove(a.target);
  else rmSync(a.target, { recursive: a.kind !== "runtime-log" && a.kind !== "broker-file", force: true });
}
