import type { Command } from "commander";
import {
  addProfile,
  importCurrent,
  listProfiles,
  pausedSaid,
  removeProfile,
  requireCurrentName,
  setProfilePaused,
  useProfile,
} from "@prodex/core";
import { withCli } from "../cli-context.ts";
import { renderTable } from "../output/table.ts";
import { exportBundle, importBundle } from "./profile-bundle.ts";

export function registerProfile(program: Command): void {
  const profile = program.command("profile").description("manage the pool's profiles (one ChatGPT account each)");

  profile
    .command("add")
    .argument("<name>", "profile name")
    .option("--codex-home <path>", "register an existing Codex home (external; never modified or deleted)")
    .option("--copy-from <path>", "copy the login from another Codex home into a new managed profile")
    .option("--activate", "make it the current profile")
    .description("add a profile")
    .action((name: string, opts: { codexHome?: string; copyFrom?: string; activate?: boolean }) =>
      withCli({}, ({ ctx, io }) => {
        const row = addProfile(ctx, {
          name,
          codexHome: opts.codexHome,
          copyFrom: opts.copyFrom,
          activate: opts.activate,
        });
        io.out(`added profile ${row.name}${row.email ? ` (${row.email})` : ""} → ${row.codexHome}`);
        if (!row.accountId) io.note(`no login yet: run prodex login -p ${row.name}`);
      }),
    );

  profile
    .command("import-current")
    .argument("[name]", "profile name (default: from the login's email)")
    .description("copy the login Codex uses now ($CODEX_HOME or ~/.codex) into a new profile")
    .action((name?: string) =>
      withCli({}, ({ ctx, io }) => {
        const row = importCurrent(ctx, name);
        io.out(`imported ${row.email ?? row.accountId} as profile ${row.name}`);
      }),
    );

  profile
    .command("list")
    .option("--json", "machine-readable output (schema prodex.profiles/v1)")
    .description("list profiles")
    .action((opts: { json?: boolean }) =>
      withCli({}, ({ ctx, io }) => {
        const rows = listProfiles(ctx);
        if (opts.json) {
          io.out(
            JSON.stringify({
              schema: "prodex.profiles/v1",
              profiles: rows.map((p) => ({
                name: p.name,
                current: p.current,
                kind: p.kind,
                codexHome: p.codexHome,
                accountId: p.accountId,
                email: p.email,
                plan: p.plan,
                auth: p.auth,
                needsLogin: p.authState === "needs_login" || p.auth !== "chatgpt",
                createdAt: new Date(p.createdAt).toISOString(),
                lastSelectedAt: p.lastSelectedAt ? new Date(p.lastSelectedAt).toISOString() : null,
              })),
            }),
          );
          return;
        }
        if (rows.length === 0) {
          io.out("no profiles yet: prodex login, or prodex profile import-current");
          return;
        }
        io.out(
          renderTable(
            ["", "NAME", "EMAIL", "PLAN", "AUTH", "KIND", "HOME"],
            rows.map((p) => [
              p.current ? "*" : "",
              p.name,
              p.email ?? "-",
              p.plan ?? "-",
              p.authState === "needs_login" ? "needs login" : p.auth,
              p.kind,
              p.codexHome,
            ]),
          ),
        );
      }),
    );

  profile
    .command("remove")
    .argument("<name>")
    .option("--delete-home", "also delete the managed Codex home (external homes are never deleted)")
    .description("remove a profile from the pool")
    .action((name: string, opts: { deleteHome?: boolean }) =>
      withCli({}, ({ ctx, io }) => {
        const row = removeProfile(ctx, name, { deleteHome: opts.deleteHome });
        io.out(
          `removed profile ${row.name}${opts.deleteHome && row.kind === "managed" ? ` and deleted ${row.codexHome}` : ""}`,
        );
      }),
    );

  for (const [verb, what] of [
    ["pause", "take a profile out of the pool: no new conversation goes to it (the ones it holds go on)"],
    ["resume", "put a paused profile back in the pool"],
  ] as const) {
    profile
      .command(verb)
      .argument("<name>")
      .description(what)
      .action((name: string) =>
        withCli({}, ({ ctx, io }) => {
          setProfilePaused(ctx, name, verb === "pause" ? { by: null, at: ctx.now() } : null);
          io.out(pausedSaid(name, verb === "pause"));
        }),
      );
  }

  profile
    .command("export")
    .argument("[file]", "bundle file to write ('-' for stdout)", "-")
    .option("--password", "encrypt the bundle (password from PRODEX_BUNDLE_PASSWORD or a prompt)")
    .option("-p, --profile <names...>", "only these profiles")
    .description("export profiles with their logins to a bundle")
    .action((file: string, opts: { password?: boolean; profile?: string[] }) =>
      withCli({}, (cli) => exportBundle(cli, file, opts)),
    );

  profile
    .command("import")
    .argument("<file>", "bundle file ('-' for stdin)")
    .description("import profiles from a bundle made by profile export")
    .action((file: string) => withCli({}, (cli) => importBundle(cli, file)));

  program
    .command("use")
    .argument("<name>")
    .description("make a profile the current (preferred) one")
    .action((name: string) =>
      withCli({}, ({ ctx, io }) => {
        useProfile(ctx, name);
        io.out(`current profile: ${name}`);
      }),
    );

  program
    .command("current")
    .description("print the current profile")
    .action(() => withCli({}, ({ ctx, io }) => io.out(requireCurrentName(ctx))));
}
