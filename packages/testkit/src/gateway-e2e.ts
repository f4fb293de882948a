import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockAccountInit, type MockBackend, createMockBackend } from "@prodex/mock";
import { type ServedGateway, gatewayServerEnv, serveGateway } from "./gateway-serve.ts";
import { type PgCluster, startPgCluster } from "./pg-cluster.ts";

/** What an end-to-end gateway test file runs on, read once its `beforeAll` has run. */
export type GatewayE2e = {
  readonly mock: MockBackend;
  /** The file's temp dir: the server's home, the logins its accounts were added from, the laptops' homes. */
  readonly dir: string;
  /** The environment every `prodex gateway` command and `serve` of the file runs with (gatewayServerEnv). */
  readonly server: Record<string, string>;
  /** The instances `serve()` started, in order. */
  readonly instances: readonly ServedGateway[];
  /** `prodex gateway serve` with the server's environment, killed after the file's tests. */
  serve(): Promise<ServedGateway>;
};

/**
 * The world of one end-to-end gateway test file: a throw-away PostgreSQL cluster, the mock upstream with `accounts`,
 * a temp dir and the server's environment with those accounts added — started before the file's tests (its own
 * `beforeAll` hooks run after this one), and everything, the instances included, gone after them.
 */
export function useGatewayE2e(o: {
  /** Names the temp dir and the database. */
  name: string;
  accounts: MockAccountInit[];
  /** The accounts' logins expire this soon after they are added (their first requests refresh them). */
  expiresInSeconds?: number;
}): GatewayE2e {
  let pg: PgCluster | undefined;
  let world: { mock: MockBackend; dir: string; server: Record<string, string> } | undefined;
  const instances: ServedGateway[] = [];
  beforeAll(async () => {
    pg = await startPgCluster();
    const mock = await createMockBackend({ accounts: o.accounts });
    const dir = mkdtempSync(join(tmpdir(), `prodex-e2e-${o.name}-`));
    world = { mock, dir, server: {} };
    world.server = await gatewayServerEnv({
      dir,
      databaseUrl: await pg.database(`e2e_${o.name.replaceAll("-", "_")}`),
      mock,
      accounts: o.accounts.map((a) => a.id),
      ...(o.expiresInSeconds === undefined ? {} : { expiresInSeconds: o.expiresInSeconds }),
    });
  }, 120_000);
  afterAll(async () => {
    for (const i of instances) i.proc.kill("SIGKILL");
    await world?.mock.stop();
    await pg?.close();
    if (world) rmSync(world.dir, { recursive: true, force: true });
  });
  const started = () => {
    if (!world) throw new Error("the gateway world is not started: call useGatewayE2e() at the top of the test file");
    return world;
  };
  return {
    get mock() {
      return started().mock;
    },
    get dir() {
      return started().dir;
    },
    get server() {
      return started().server;
    },
    instances,
    async serve() {
      const g = await serveGateway(started().server);
      instances.push(g);
      return g;
    },
  };
}
