import type { Command } from "commander";
import { ProdexError, UsageError, refreshUrlFromEnv, resolveChatgptBase } from "@prodex/core";
import { type Cli, withCli } from "../../cli-context.ts";
import { VERSION } from "../../version.ts";
import { DB_FLAG, DB_HELP } from "./admin-commands.ts";

type ServeOptions = {
  databaseUrl?: string;
  listen: string;
  baseUrl?: string;
  json?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  quiet?: boolean;
};

/** Pure: HOST:PORT (IPv6 in brackets) → parts, or one clear line. */
export function parseListen(value: string): { hostname: string; port: number } {
  const m = value.match(/^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/);
  const port = Number(m?.[3]);
  if (!m || port > 65_535)
    throw new UsageError(`--listen must be HOST:PORT (e.g. 0.0.0.0:8080 or [::1]:8080), got "${value}"`);
  return { hostname: m[1] ?? m[2] ?? "", port };
}

/** PRODEX_GATEWAY_INSTANCE_LEASE_MS: how long a silent instance stays registered (default 15 s; heartbeats every third). */
function leaseMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 300 || n > 600_000)
    throw new UsageError(`PRODEX_GATEWAY_INSTANCE_LEASE_MS must be milliseconds from 300 to 600000, got "${value}"`);
  return n;
}

/** PRODEX_GATEWAY_DB_POOL: query connections per instance (default 10; docs/team.md has the arithmetic). */
function poolSize(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw new UsageError(`PRODEX_GATEWAY_DB_POOL must be a whole number from 1 to 200, got "${value}"`);
  return n;
}

function nextSignal(): Promise<"SIGINT" | "SIGTERM"> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}

export function registerGatewayServe(gw: Command): void {
  gw.command("serve")
    .description("run one gateway instance (stateless: run as many as you like on one database)")
    .option(DB_FLAG, DB_HELP)
    .option(
      "--listen <host:port>",
      "address to listen on; beyond loopback every route still needs a gateway key",
      "127.0.0.1:8080",
    )
    .option(
      "--base-url <url>",
      "ChatGPT base URL upstream (default: $CODEX_CHATGPT_BASE_URL or https://chatgpt.com/backend-api)",
    )
    .option("--tls-cert <file>", "serve HTTPS with this certificate (PEM); or terminate TLS in a reverse proxy")
    .option("--tls-key <file>", "the certificate's private key (PEM)")
    .option("--json", "print one JSON line (schema prodex.gateway-serve/v1) once listening")
    .option("-q, --quiet", "no prodex messages on stderr")
    .action((opts: ServeOptions) => withCli({ quiet: opts.quiet }, (cli) => serve(cli, opts)));
}

async function serve(cli: Cli, opts: ServeOptions): Promise<void> {
  const { io } = cli;
  const g = await import("@prodex/gateway");
  const listen = parseListen(opts.listen);
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new UsageError("--tls-cert and --tls-key go together");
  const tls = opts.tlsCert && opts.tlsKey ? { cert: opts.tlsCert, key: opts.tlsKey } : undefined;
  const gateway = await g.startGateway({
    databaseUrl: g.databaseUrl(opts.databaseUrl, io.env),
    env: io.env,
    ...listen,
    upstreamBase: resolveChatgptBase(opts.baseUrl, io.env),
    refreshUrl: refreshUrlFromEnv(io.env),
    version: VERSION,
    tls,
    instanceLeaseMs: leaseMs(io.env.PRODEX_GATEWAY_INSTANCE_LEASE_MS),
    poolSize: poolSize(io.env.PRODEX_GATEWAY_DB_POOL),
  });
  const stopped = nextSignal();
  // SIGHUP: re-read the secret key file (a key rotation without a restart; see docs/team.md "The secret key").
  const onHangup = () =>
    void gateway.reloadKeys().then(
      (ids) => io.note(`SIGHUP: gateway ${gateway.instance} holds secret key(s) ${ids.join(", ")}`),
      (e: unknown) => io.warn(`SIGHUP: ${e instanceof ProdexError ? `${e.message} → ${e.hint ?? ""}` : String(e)}`),
    );
  process.on("SIGHUP", onHangup);
  try {
    const info = {
      schema: "prodex.gateway-serve/v1",
      url: gateway.url,
      instance: gateway.instance,
      livez: `${gateway.url}/livez`,
      readyz: `${gateway.url}/readyz`,
      openai: { responsesUrl: `${gateway.url}/openai/v1/responses`, baseUrl: `${gateway.url}/openai/v1` },
      codex: { baseUrl: `${gateway.url}/backend-api/codex`, chatgptBaseUrl: `${gateway.url}/backend-api/` },
      claude: { baseUrl: gateway.url },
      pid: process.pid,
    };
    io.out(
      opts.json
        ? JSON.stringify(info)
        : `gateway ${gateway.instance} listening on ${gateway.url} (probes: /livez, /readyz)`,
    );
    if (listen.hostname !== "127.0.0.1" && listen.hostname !== "::1" && listen.hostname !== "localhost" && !tls) {
      io.warn("listening beyond loopback without TLS: put it behind a TLS reverse proxy, or pass --tls-cert/--tls-key");
    }
    const signal = await stopped;
    io.note(`${signal}: stopping gateway ${gateway.instance}`);
    process.exitCode = signal === "SIGINT" ? 130 : 0;
  } finally {
    process.off("SIGHUP", onHangup);
    await gateway.stop();
  }
}
