import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { errorCode } from "@prodex/guards";
import {
  UsageError,
  applyBundle,
  bundleEntries,
  getProfile,
  isSealed,
  openBundle,
  printableAscii,
  sealBundle,
  writeFileAtomic,
} from "@prodex/core";
import type { Cli } from "../cli-context.ts";
import { promptSecret } from "../output/prompt.ts";

async function password(cli: Cli, confirm: boolean): Promise<string> {
  const fromEnv = cli.io.env.PRODEX_BUNDLE_PASSWORD;
  if (fromEnv) return fromEnv;
  const first = await promptSecret("bundle password: ");
  if (!first) throw new UsageError("an empty password is not allowed");
  if (confirm && (await promptSecret("again: ")) !== first) throw new UsageError("the passwords differ");
  return first;
}

export async function exportBundle(
  cli: Cli,
  file: string,
  opts: { password?: boolean; profile?: string[] },
): Promise<void> {
  const rows = opts.profile ? opts.profile.map((n) => getProfile(cli.ctx, n)) : cli.ctx.store.profiles.list();
  const entries = bundleEntries(rows);
  if (entries.length === 0) throw new UsageError("no profile with a ChatGPT login to export");
  const text = sealBundle(entries, opts.password ? await password(cli, true) : undefined);
  if (file === "-") {
    cli.io.out(text);
  } else {
    if (isFolder(resolve(file)))
      throw new UsageError(
        `${resolve(file)} is a folder`,
        "give a file name for the bundle, e.g. prodex-profiles.bundle",
      );
    writeFileAtomic(resolve(file), `${text}\n`, 0o600);
    cli.io.out(`exported ${entries.length} profile(s) to ${resolve(file)}${opts.password ? " (encrypted)" : ""}`);
  }
  if (!opts.password)
    cli.io.warn("the bundle holds live login tokens in clear text; keep it private or use --password");
}

export async function importBundle(cli: Cli, file: string): Promise<void> {
  const text = file === "-" ? await Bun.stdin.text() : readBundleFile(resolve(file));
  const entries = openBundle(text, isSealed(text) ? await password(cli, false) : undefined);
  const outcomes = applyBundle(cli.ctx, entries);
  for (const o of outcomes)
    cli.io.out(o.result === "imported" ? `imported ${o.name}` : `skipped ${printableAscii(o.name)}: ${o.why}`);
  if (!outcomes.some((o) => o.result === "imported"))
    throw new UsageError("nothing was imported", "every profile in the bundle was skipped; each line above says why");
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The bundle's text, or one line saying why the path is not a file prodex can read. */
function readBundleFile(path: string): string {
  const hint = "give the file prodex profile export wrote, or - for stdin";
  if (isFolder(path)) throw new UsageError(`${path} is a folder, not a bundle file`, hint);
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    if (errorCode(cause) === "ENOENT") throw new UsageError(`no such file: ${path}`, hint);
    throw new UsageError(
      `cannot read the bundle ${path} (${errorCode(cause) ?? "unreadable"})`,
      "check that it is yours and readable",
      { cause },
    );
  }
}
