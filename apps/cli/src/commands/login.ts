import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import {
  type ChatgptAuth,
  ConflictError,
  UsageError,
  addProfile,
  authPath,
  currentName,
  errorMessage,
  getProfile,
  nameFromEmail,
  readAuth,
  validateProfileName,
  writeAuth,
} from "@prodex/core";
import { errorCode } from "@prodex/guards";
import { type Cli, withCli } from "../cli-context.ts";
import { resolveAgentBin } from "../launch/agent-bin.ts";

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
    .action((name?: string) =>
      withCli({}, ({ ctx, io }) => {
        const target = name ?? currentName(ctx);
        if (!target) throw new UsageError("no profiles yet");
        const p = getProfile(ctx, target);
        rmSync(authPath(p.codexHome), { force: true });
        ctx.store.profiles.update(p.name, { authState: "needs_login" });
        ctx.events.emit({ kind: "auth.needs_login", profile: p.name, message: `${p.name} logged out` });
        io.out(`logged out ${p.name}`);
      }),
    );
}

async function login(cli: Cli, opts: { profile?: string; deviceAuth?: boolean }): Promise<void> {
  const { ctx, io } = cli;
  if (opts.profile) validateProfileName(opts.profile);
  const home = loginHome(ctx);
  try {
    const auth = await codexLogin(io.env, home, opts.deviceAuth === true);

    const owner = ctx.store.profiles.byAccount(auth.accountId);
    const name = opts.profile ?? owner?.name ?? nameFromEmail(auth.email);
    if (owner && owner.name !== name) {
      throw new ConflictError(`this account (${auth.email ?? auth.accountId}) is already the profile "${owner.name}"`, `log in again with: prodex login -p ${owner.name}`);
    }
    const existing = ctx.store.profiles.get(name);
    // A name derived from the email can collide with another account's profile: never replace that login.
    if (!opts.profile && existing?.accountId && existing.accountId !== auth.accountId) {
      throw new ConflictError(
        `a profile named "${name}" already holds another account (${existing.email ?? existing.accountId})`,
        "pick a name for this one: prodex login -p NAME",
      );
    }
    if (existing) {
      writeAuth(existing.codexHome, auth.json);
      ctx.store.profiles.update(name, { accountId: auth.accountId, email: auth.email, plan: auth.plan, authState: "ok" });
      io.out(`logged in ${auth.email ?? auth.accountId} → profile ${name} (updated)`);
    } else {
      addProfile(ctx, { name, copyFrom: home });
      io.out(`logged in ${auth.email ?? auth.accountId} → new profile ${name}`);
    }
    ctx.events.emit({ kind: "control", profile: name, message: `logged in ${name}` });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** A throwaway home to log in inside, so a current login survives a failed attempt (removed by the caller). */
export function loginHome(ctx: Cli["ctx"]): string {
  const tmpRoot = join(ctx.paths.prodexHome, "tmp");
  mkdirSync(tmpRoot, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(tmpRoot, "login-"));
}

/** Runs the real `codex login` with CODEX_HOME = `home` and returns the ChatGPT login it wrote there. */
export async function codexLogin(env: Record<string, string | undefined>, home: string, deviceAuth: boolean): Promise<ChatgptAuth> {
  const bin = resolveAgentBin("codex", env);
  if (!bin) throw new UsageError("Codex CLI not found", "install it (npm i -g @openai/codex) or set PRODEX_CODEX_BIN");
  const args = [bin.path, "login", ...(deviceAuth ? ["--device-auth"] : [])];
  let child: ReturnType<typeof Bun.spawn>;
  try {
    child = Bun.spawn(args, { env: { ...env, CODEX_HOME: home }, stdio: ["inherit", "inherit", "inherit"] });
  } catch (cause) {
    // A bad PRODEX_CODEX_BIN (missing, not executable) is the user's to fix: say so in one line.
    throw new UsageError(`cannot run Codex CLI at ${bin.path} (${spawnReason(cause)})`, "install it (npm i -g @openai/codex) or fix PRODEX_CODEX_BIN", { cause });
  }
  const code = await child.exited;
  if (code !== 0) throw new UsageError(`codex login exited with ${code}; nothing was changed`);
  const auth = readAuth(home);
  if (auth.kind !== "chatgpt") throw new UsageError("codex login finished without a ChatGPT login; nothing was changed");
  return auth;
}

function spawnReason(cause: unknown): string {
  return errorCode(cause) ?? errorMessage(cause);
}
