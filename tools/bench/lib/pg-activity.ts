// What a team gateway's PostgreSQL did during a bench phase, per request served: committed transactions (each
// write-behind batch, NOTIFY, heartbeat…), rows written by table, and the notifications on the gateway's channel
// by type (what each instance parses and reacts to). Read from PostgreSQL's own statistics, over two connections
// of the bench's own.

/** The counters at a phase's start. */
export type PgMark = { commits: number; rows: Map<string, number> };

/** Per request over a phase, as the bench prints it. */
export type PgPerRequest = { commits: number; rows: string; notices: string };

export type PgActivity = {
  /** Reads the counters and starts counting notifications afresh. */
  mark(): Promise<PgMark>;
  /** What happened since `mark`, per request (call it once PostgreSQL has published its statistics: ≤ 1 s). */
  since(mark: PgMark, requests: number): Promise<PgPerRequest>;
  close(): Promise<void>;
};

export async function pgActivity(url: string, channel: string): Promise<PgActivity> {
  const stats = new Bun.SQL(url, { max: 1 });
  const listener = new Bun.SQL(url, { max: 1 });
  const notices = new Map<string, number>();
  await listener.listen(channel, (payload: string) => {
    const t = String((JSON.parse(payload) as { t?: string }).t);
    notices.set(t, (notices.get(t) ?? 0) + 1);
  });
  const read = async (): Promise<PgMark> => {
    const tables = (await stats`SELECT relname, n_tup_ins + n_tup_upd AS n FROM pg_stat_user_tables`) as {
      relname: string;
      n: string;
    }[];
    const db = (await stats`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`) as {
      xact_commit: string;
    }[];
    return {
      commits: Number(db[0]?.xact_commit ?? 0),
      rows: new Map(tables.map((r) => [r.relname, Number(r.n)])),
    };
  };
  return {
    async mark() {
      notices.clear();
      return read();
    },
    async since(mark, requests) {
      const now = await read();
      const per = (n: number) => n / Math.max(1, requests);
      const rows = [...now.rows]
        .map(([t, n]) => [t, per(n - (mark.rows.get(t) ?? 0))] as const)
        .filter(([, n]) => n >= 0.005)
        .map(([t, n]) => `${t.replace(/^gw_/, "")} ${n.toFixed(2)}`)
        .join(", ");
      return {
        commits: per(now.commits - mark.commits),
        rows,
        notices: [...notices].map(([t, k]) => `${t} ${per(k).toFixed(2)}`).join(", "),
      };
    },
    async close() {
      await stats.close();
      await listener.close();
    },
  };
}
