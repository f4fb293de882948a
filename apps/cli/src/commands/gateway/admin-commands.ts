import { readFileSync, rmSync } from "node:fs";
import type { Command } from "commander";
import type { GatewayStore } from "@prodex/store/pg";
import { UsageError, authPath, getProfile, loginHome } from "@prodex/core";
import { type Cli, withCli } from "../../cli-context.ts";
import { when } from "../../output/iso.ts";
import { renderTable } from "../../output/table.ts";
import { codexLogin } from "../login.ts";
import { normalizeGatewayUrl, storeGatewayKey } from "../../launch/gateway-target.ts";
import { checkGatewayKey } from "@prodex/proxy";

// The gateway package (and its PostgreSQL driver) is loaded only when a gateway command runs:
// the single-user commands start exactly as before.
export const gateway = () => import("@prodex/gateway");
type Gateway = Awaited<ReturnType<typeof gateway>>;

type DbOpts = { databaseUrl?: string; json?: boolean };
export const DB_FLAG = "--database-url <url>";
export const DB_HELP = "the gateway's PostgreSQL (default: $PRODEX_DATABASE_URL)";

async function url(cli: Cli, opts: DbOpts): Promise<string> {
  return (await gateway()).databaseUrl(opts.databaseUrl, cli.io.env);
}

/** Runs `fn` on the gateway's store at --database-url (or $PRODEX_DATABASE_URL), closed after. */
export async function withStore<T>(
  cli: Cli,
  opts: DbOpts,
  fn: (g: Gateway, store: GatewayStore) => Promise<T>,
): Promise<T> {
  const g = await gateway();
  return g.withGateway(await url(cli, opts), (store) => fn(g, store));
}

type LimitOpts = { rpm?: string; tokensPerDay?: string; maxShare?: string };

export { when };

export function registerGatewayAdmin(gw: Command): void {
  gw.command("migrate")
    .description("create or upgrade the gateway schema (one-shot, idempotent, safe from several hosts at once)")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((opts: DbOpts) =>
      withCli({}, async (cli) => {
        const result = await (await gateway()).migrateGateway(await url(cli, opts));
        if (opts.json) cli.io.out(JSON.stringify({ schema: "prodex.gateway-migrate/v1", ...result }));
        else
          cli.io.out(
            result.applied.length
              ? `applied ${result.applied.join(", ")}; schema current`
              : "schema already current; nothing to do",
          );
      }),
    );

  gw.command("rotate-key")
    .description(
      "re-seal every token with the key file's first key (or PRODEX_GATEWAY_NEW_SECRET_KEY[_FILE]) while instances keep serving; every live instance must hold it",
    )
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((opts: DbOpts) =>
      withCli({}, async (cli) => {
        const result = await withStore(cli, opts, (g, store) => g.rotateKey(store, cli.io.env));
        if (opts.json) cli.io.out(JSON.stringify({ schema: "prodex.gateway-rotate-key/v1", ...result }));
        else
          cli.io.out(
            `re-sealed ${result.accounts} account(s): key ${result.from} → ${result.to}; ${result.instances} live instance(s) now seal with it (the old key may leave the key files)`,
          );
      }),
    );

  const key = gw.command("key").description("gateway keys: what developers' prodex and scripts authenticate with");
  key
    .command("create")
    .argument("<name>", "who or what the key is for")
    .option("--role <role>", "user (serve requests), viewer (read-only admin), admin", "user")
    .option("--rpm <n>", "at most this many requests per minute, across every instance")
    .option("--tokens-per-day <n>", "at most this many tokens (input + output) per UTC day")
    .option("--max-share <f>", "at most this fraction (0 < f <= 1, or 40%) of the pool's remaining weekly room")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((name: string, opts: DbOpts & { role: string } & LimitOpts) =>
      withCli({}, async (cli) => {
        const role = (await gateway()).parseRole(opts.role);
        const created = await withStore(cli, opts, (g, store) =>
          g.createKey(store, name, role, g.limitsFromFlags(opts)),
        );
        if (opts.json) cli.io.out(JSON.stringify({ schema: "prodex.gateway-key/v1", ...created }));
        else {
          cli.io.out(created.key);
          cli.io.note(`key ${name} (${role}) created; it is shown only now — only its hash is stored`);
        }
      }),
    );
  key
    .command("update")
    .argument("<name>")
    .description("change a key's limits (none lifts one); every instance applies them from its next request")
    .option("--rpm <n>", "requests per minute, or none")
    .option("--tokens-per-day <n>", "tokens per UTC day, or none")
    .option("--max-share <f>", "the most of the pool's remaining weekly room (0 < f <= 1, or 40%), or none")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((name: string, opts: DbOpts & LimitOpts) =>
      withCli({}, async (cli) => {
        const g = await gateway();
        const limits = g.limitsFromFlags(opts);
        if (Object.keys(limits).length === 0)
          throw new UsageError(
            "nothing to change",
            "give --rpm N, --tokens-per-day N or --max-share F (none lifts one)",
          );
        const updated = await withStore(cli, opts, (g, store) => g.updateKeyLimits(store, name, limits));
        if (opts.json) return cli.io.out(JSON.stringify({ schema: "prodex.gateway-key/v1", ...updated }));
        cli.io.out(`key ${name}: ${g.limitText(updated)}`);
      }),
    );
  key
    .command("list")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((opts: DbOpts) =>
      withCli({}, async (cli) => {
        const g = await gateway();
        const keys = await withStore(cli, opts, (g, store) => g.listKeys(store));
        if (opts.json) return cli.io.out(JSON.stringify({ schema: "prodex.gateway-keys/v1", keys }));
        cli.io.out(
          renderTable(
            ["NAME", "ROLE", "KEY", "LIMITS", "CREATED", "REVOKED"],
            keys.map((k) => [k.name, k.role, `${k.hint}…`, g.limitText(k), when(k.createdAt), when(k.revokedAt)]),
          ),
        );
      }),
    );
  key
    .command("revoke")
    .argument("<name>")
    .option(DB_FLAG, DB_HELP)
    .action((name: string, opts: DbOpts) =>
      withCli({}, async (cli) => {
        await withStore(cli, opts, (g, store) => g.revokeKey(store, name));
        cli.io.out(`revoked ${name}; every instance refuses it from its next request`);
      }),
    );

  const account = gw
    .command("account")
    .description("the pool's ChatGPT accounts (tokens stored sealed with the gateway secret key)");
  account
    .command("add")
    .argument("<name>")
    .option("--copy-from <dir>", "a Codex home holding auth.json")
    .option("--from-profile <profile>", "a local prodex profile")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((name: string, opts: DbOpts & { copyFrom?: string; fromProfile?: string }) =>
      withCli({}, async (cli) => {
        if (Boolean(opts.copyFrom) === Boolean(opts.fromProfile))
          throw new UsageError(
            "give exactly one of --copy-from DIR or --from-profile P",
            "or log in on this host: prodex gateway account login NAME",
          );
        const home = opts.copyFrom ?? getProfile(cli.ctx, opts.fromProfile ?? "").codexHome;
        await addFromHome(cli, opts, name, home);
      }),
    );
  registerGatewayLogin(account);
  account
    .command("list")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((opts: DbOpts) =>
      withCli({}, async (cli) => {
        const accounts = await withStore(cli, opts, (g, store) => g.listAccounts(store));
        if (opts.json) return cli.io.out(JSON.stringify({ schema: "prodex.gateway-accounts/v1", accounts }));
        cli.io.out(
          renderTable(
            ["NAME", "EMAIL", "PLAN", "TOKEN EXPIRES", "STATE"],
            accounts.map((a) => [
              a.name,
              a.email ?? "-",
              a.plan ?? "-",
              when(a.expiresAt),
              a.needsLogin ? "needs login" : a.pausedAt !== null ? `paused by ${a.pausedBy ?? "?"}` : "ok",
            ]),
          ),
        );
      }),
    );
  account
    .command("remove")
    .argument("<name>")
    .option(DB_FLAG, DB_HELP)
    .action((name: string, opts: DbOpts) =>
      withCli({}, async (cli) => {
        await withStore(cli, opts, (g, store) => g.removeAccount(store, name));
        cli.io.out(`removed ${name} from the gateway pool`);
      }),
    );
  for (const verb of ["pause", "resume"] as const)
    account
      .command(verb)
      .argument("<name>")
      .option(DB_FLAG, DB_HELP)
      .description(
        verb === "pause"
          ? "take an account out of the pool on every instance: no new conversation goes to it (the ones it holds go on)"
          : "put a paused account back in the pool",
      )
      .action((name: string, opts: DbOpts) =>
        withCli({}, async (cli) => {
          await withStore(cli, opts, (g, store) => g.pauseAccount(store, name, verb === "pause"));
          cli.io.out(verb === "pause" ? `paused ${name} on every instance` : `resumed ${name} on every instance`);
        }),
      );
}

/** Reads `home`/auth.json and adds it sealed (shared by add and login). */
export async function addFromHome(cli: Cli, opts: DbOpts, name: string, home: string): Promise<void> {
  const g = await gateway();
  let text: string;
  try {
    text = readFileSync(authPath(home), "utf8");
  } catch (cause) {
    throw new UsageError(
      `cannot read ${authPath(home)}: ${(cause as Error).message}`,
      "point --copy-from at a Codex home where you ran codex login",
      { cause },
    );
  }
  const added = await g.withVault(await url(cli, opts), cli.io.env, (store, vault) =>
    g.addAccount(store, vault, name, text),
  );
  if (opts.json) cli.io.out(JSON.stringify({ schema: "prodex.gateway-account/v1", account: added }));
  else cli.io.out(`added ${name} (${added.email ?? added.accountId ?? "unknown account"}) to the gateway pool`);
}

function registerGatewayLogin(account: Command): void {
  account
    .command("login")
    .argument("<name>")
    .description("log an account in on this host with the real `codex login --device-auth` and add it to the pool")
    .option(DB_FLAG, DB_HELP)
    .option("--json", "print one JSON line")
    .action((name: string, opts: DbOpts) =>
      withCli({}, async (cli) => {
        const home = loginHome(cli.ctx);
        try {
          await codexLogin(cli.io.env, home, true);
          await addFromHome(cli, opts, name, home);
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      }),
    );
}

/** `prodex gateway login URL`: checks a gateway key against the gateway and stores it for launches (0600). */
export function registerGatewayClientLogin(gw: Command): void {
  gw.command("login")
    .argument("<url>", "the gateway's address, e.g. https://prodex.example.com")
    .description(
      "store a gateway key for `prodex run|exec|claude --gateway URL` (read from $PRODEX_GATEWAY_KEY or stdin)",
    )
    .action((url: string) =>
      withCli({}, async (cli) => {
        const target = normalizeGatewayUrl(url);
        const key = (cli.io.env.PRODEX_GATEWAY_KEY || (await Bun.stdin.text())).trim();
        if (!key)
          throw new UsageError(
            "no gateway key given",
            `pipe it in (prodex gateway login ${target} < key.txt) or set PRODEX_GATEWAY_KEY`,
          );
        const who = await checkGatewayKey(target, key);
        const path = storeGatewayKey(cli.ctx.paths.prodexHome, target, key);
        cli.io.out(`logged in to ${target} as ${who.name} (${who.role}); key stored in ${path}`);
      }),
    );
}
