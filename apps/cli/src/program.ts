import { Command, CommanderError } from "commander";
import { registerBroker } from "./commands/broker.ts";
import { registerClaude } from "./commands/claude.ts";
import { registerCleanup } from "./commands/cleanup.ts";
import { registerDashboard } from "./commands/dashboard.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { registerGateway } from "./commands/gateway/gateway-command.ts";
import { registerInfo } from "./commands/info.ts";
import { registerLogin } from "./commands/login.ts";
import { registerLogs } from "./commands/logs.ts";
import { registerProfile } from "./commands/profile.ts";
import { registerQuota } from "./commands/quota.ts";
import { registerRun } from "./commands/run.ts";
import { registerServe } from "./commands/serve.ts";
import { registerUsage } from "./commands/usage.ts";
import { VERSION } from "./version.ts";

export function buildProgram(): Command {
  const program = new Command("prodex")
    .description("Pool several ChatGPT accounts behind Codex CLI and Claude Code.")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run prodex --help for usage)")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(text.startsWith("error: ") ? `prodex: ${text.slice(7)}` : text),
    });
  registerProfile(program);
  registerLogin(program);
  registerQuota(program);
  registerRun(program);
  registerClaude(program);
  registerServe(program);
  registerInfo(program);
  registerDashboard(program);
  registerDoctor(program);
  registerLogs(program);
  registerUsage(program);
  registerCleanup(program);
  registerDemo(program);
  registerBroker(program);
  registerGateway(program);
  return program;
}

export { CommanderError };
