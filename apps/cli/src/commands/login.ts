import { rmSync } from "node:fs";
import type { Command } from "commander";
import {
  type ChatgptAuth,
  UsageError,
  checkLoginName,
  errorMessage,
  loginHome,
  logout,
  readAuth,
  saveLogin,
} from "@prodex/core";
import { errorCode } from "@prodex/guards";
import { type Cli, withCli } from "../cli-context.ts";
import { requireAgentBin } from "../launch/launch-agent.ts";

// The commands only: which profile a login goes to, and what logging out does, are core's
// (profiles/login-target.ts, profiles/login.ts).

export function registerLogin(program: Command): void {
  program
    .command("login")
    .description("log a ChatGPT account in with the real `codex login` and add or update its profile")
    .option("-p, --profile <name>", "profile to create or update (default: from the account's email)")
    .option("--device-auth", "use the device-code flow (no browser on this machine)")
    .action((opts: { profile?: string; deviceAuth?: boolean }) => withCli({}, (cli) => login(cli, opts)));

  program
    .command("logout")
    .argument("[name]", "profile (default: the current one)")
    .description("forget a profile's login (the profile stays; log in again with prodex login -p NAME)")
    .action((name?: string) => withCli({}, ({ ctx, io }) => io.out(`logged out ${logout(ctx, name)}`)));
}

async function login(cli: Cli, opts: { profile?: string; deviceAuth?: boolean }): Promise<void> {
  checkLoginName(opts.profile);
  const home = loginHome(cli.ctx);
  try {
    const auth = await codexLogin(cli.io.env, home, opts.deviceAuth === true);
    const saved = saveLogin(cli.ctx, auth, home, opts.profile);
    cli.io.out(
      `logged in ${saved.who} → ${saved.created ? `new profile ${saved.name}` : `profile ${saved.name} (updated)`}`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Runs the real `codex login` with CODEX_HOME = `home` and returns the ChatGPT login it wrote there. */
export async function codexLogin(
  env: Record<string, string | undefined>,
  home: string,
  deviceAuth: boolean,
): Promise<ChatgptAuth> {
  const bin = requireAgentBin("codex", env);
  const args = [bin.path, "login", ...(deviceAuth ? ["--device-auth"] : [])];
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn(args, { env: { ...env, CODEX_HOME: home }, stdio: ["inherit", "inherit", "inherit"] });
  } catch (cause) {
    // A bad PRODEX_CODEX_BIN (missing, not executable) is the user's to fix: say so in one line.
    throw new UsageError(
      `cannot run Codex CLI at ${bin.path} (${spawnReason(cause)})`,
      "install it (npm i -g @openai/codex) or fix PRODEX_CODEX_BIN",
      { cause },
    );
  }
  const code = await child.exited;
  if (code !== 0) throw new UsageError(`codex login exited with ${code}; nothing was changed`);
  const auth = readAuth(home);
  if (auth.kind !== "chatgpt")
    throw new UsageError("codex login finished without a ChatGPT login; nothing was changed");
  return auth;
}

function spawnReason(cause: unknown): string {
  return errorCode(cause) ?? errorMessage(cause);
}
