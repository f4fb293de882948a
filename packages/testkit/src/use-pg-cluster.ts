import { afterAll, beforeAll } from "bun:test";
import { type PgCluster, startPgCluster } from "./pg-cluster.ts";

/** The throw-away PostgreSQL cluster of one test file: started before its tests, stopped after them. */
export function usePgCluster(): () => PgCluster {
  let pg: PgCluster | null = null;
  beforeAll(async () => {
    pg = await startPgCluster();
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
  });
  return () => {
    if (!pg) throw new Error("the PostgreSQL cluster is not started: call usePgCluster() at the top of the test file");
    return pg;
  };
}
