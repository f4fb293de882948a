import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * A throw-away PostgreSQL cluster for one test file: `initdb` into a temp dir, the server on a free loopback
 * port (TCP only, no unix socket), one database per `database()` call, `pg_ctl stop` at the end. initdb
 * refuses root, so as root the cluster runs as the `postgres` user (setpriv, no extra process in between).
 * The server is a child of the test process, so `bun test --no-orphans` takes it down if the test dies.
 */
export type PgCluster = {
  port: number;
  /** A URL for `db` on this cluster (the superuser, trust auth on loopback). */
  url(db?: string): string;
  /** Creates a fresh database and returns its URL. */
  database(name: string): Promise<string>;
  /** `pg_ctl stop -m fast`: the server goes away (faults), `start()` brings it back on the same port (no-op when up). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the cluster. */
  close(): Promise<void>;
};

/** Where the PostgreSQL server binaries are: PG_BINDIR, `pg_config --bindir`, or Debian's newest. */
export function pgBinDir(env: Record<string, string | undefined> = process.env): string | null {
  const has = (dir: string) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"));
  if (env.PG_BINDIR && has(env.PG_BINDIR)) return env.PG_BINDIR;
  const config = Bun.spawnSync(["pg_config", "--bindir"], { stdout: "pipe", stderr: "ignore" });
  const bindir = config.success ? config.stdout.toString().trim() : "";
  if (bindir && has(bindir)) return bindir;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (has(join(root, v, "bin"))) return join(root, v, "bin");
  return null;
}

function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Bun.spawnSync(["id", flag, "postgres"], { stdout: "pipe", stderr: "ignore" });
  const uid = id("-u");
  const gid = id("-g");
  if (!uid.success || !gid.success)
    throw new Error(
      "tests run as root but there is no postgres user to run initdb as (install Debian's postgresql package)",
    );
  return { uid: Number(uid.stdout.toString()), gid: Number(gid.stdout.toString()) };
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBinDir();
  if (!bin)
    throw new Error("PostgreSQL server binaries not found: install Debian's postgresql package or set PG_BINDIR");
  const user = postgresUser();
  // As root the data dir must be reachable by postgres: the sandbox's TMPDIR is root-only, /tmp is not.
  const dir = mkdtempSync(join(user ? "/tmp" : (process.env.TMPDIR ?? "/tmp"), "prodex-pg-"));
  const data = join(dir, "data");
  if (user) chownSync(dir, user.uid, user.gid);
  const as = (argv: string[]) =>
    user ? ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", ...argv] : argv;
  const init = Bun.spawnSync(
    as([
      join(bin, "initdb"),
      "-D",
      data,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ]),
    { stdout: "ignore", stderr: "pipe", cwd: dir },
  );
  if (!init.success) throw new Error(`initdb failed: ${init.stderr.toString().trim()}`);
  let port = await freePort();
  let server: ReturnType<typeof Bun.spawn> | null = null;

  const url = (db = "postgres") => `postgres://postgres@127.0.0.1:${port}/${db}`;
  const ready = async () => {
    for (let i = 0; i < 200; i++) {
      const probe = Bun.spawnSync([join(bin, "pg_isready"), "-h", "127.0.0.1", "-p", String(port), "-t", "1"], {
        stdout: "ignore",
        stderr: "ignore",
      });
      if (probe.success) return;
      if (server?.exitCode !== null)
        throw new Error(`postgres exited (${server?.exitCode}) while starting on port ${port}`);
      await Bun.sleep(50);
    }
    throw new Error(`postgres did not become ready on 127.0.0.1:${port}`);
  };
  const start = async () => {
    if (server && server.exitCode === null) return;
    const args = [
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=200",
    ];
    server = Bun.spawn(as([join(bin, "postgres"), ...args]), { stdout: "ignore", stderr: "ignore", cwd: dir });
    await ready();
  };
  const stop = async () => {
    if (!server || server.exitCode !== null) return;
    Bun.spawnSync(as([join(bin, "pg_ctl"), "stop", "-D", data, "-m", "fast", "-w", "-t", "20"]), {
      stdout: "ignore",
      stderr: "ignore",
      cwd: dir,
    });
    await Promise.race([server.exited, Bun.sleep(10_000)]);
    if (server.exitCode === null) server.kill("SIGKILL");
  };
  try {
    await start();
  } catch {
    // Someone took the port between the probe and the bind: once more on another.
    port = await freePort();
    await start();
  }
  return {
    get port() {
      return port;
    },
    url,
    async database(name) {
      const db = name
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_")
        .slice(0, 60);
      const sql = new Bun.SQL(url());
      try {
        await sql.unsafe(`CREATE DATABASE "${db}"`);
      } finally {
        await sql.close();
      }
      return url(db);
    },
    stop,
    start,
    async close() {
      await stop();
      if (existsSync(dir) && statSync(dir).isDirectory()) rmSync(dir, { recursive: true, force: true });
    },
  };
}
