import { Command, CommanderError } from "commander";
import { registerLogin } from "./commands/login.ts";
import { registerProfile } from "./commands/profile.ts";
import { registerQuota } from "./commands/quota.ts";
import { registerRun } from "./commands/run.ts";
import { VERSION } from "./version.ts";

export function buildProgram(): Command {
  const program = new Command("prodex")
    .description("Pool several ChatGPT accounts behind Codex CLI and Claude Code.")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run prodex --help for usage)")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.startsWith("error: ") ? `prodex: ${text.slice(7)}` : text) });
  registerProfile(program);
  registerLogin(program);
  registerQuota(program);
  registerRun(program);
  return program;
}

export { CommanderError };
