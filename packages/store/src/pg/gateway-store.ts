import { type ConnectOptions, type PgClient, connectPg } from "./connect.ts";
import { dbFailure, migrateSchema, type MigrateResult, schemaState, assertSchemaCurrent } from "./migrate.ts";
import { AccountsRepo } from "./repositories/accounts.ts";
import { ApiKeysRepo } from "./repositories/api-keys.ts";
import { PgBackoffsRepo } from "./repositories/backoffs.ts";
import { PgBindingsRepo } from "./repositories/bindings.ts";
import { PgEventsRepo } from "./repositories/events.ts";
import { InstancesRepo } from "./repositories/instances.ts";
import { PgLedgerRepo } from "./repositories/ledger.ts";
import { KeyCountersRepo } from "./repositories/key-counters.ts";
import { SecretKeysRepo } from "./repositories/secret-keys.ts";
import { PgUsageRepo } from "./repositories/usage.ts";
import { PoolControlRepo } from "./repositories/pool-control.ts";

/** The one channel instances tell each other about changes on (payload: a small JSON object). */
export const GATEWAY_CHANNEL = "prodex_gateway";

/** One handle on the gateway's PostgreSQL: repositories, migrations, LISTEN/NOTIFY. All SQL lives below it. */
export class GatewayStore {
  readonly accounts: AccountsRepo;
  readonly apiKeys: ApiKeysRepo;
  readonly secretKeys: SecretKeysRepo;
  readonly usage: PgUsageRepo;
  readonly backoffs: PgBackoffsRepo;
  readonly bindings: PgBindingsRepo;
  readonly events: PgEventsRepo;
  readonly instances: InstancesRepo;
  readonly ledger: PgLedgerRepo;
  readonly keyCounters: KeyCountersRepo;
  readonly poolControl: PoolControlRepo;
  private closed = false;

  private constructor(
    readonly url: string,
    private readonly client: PgClient,
    db: ConstructorParameters<typeof AccountsRepo>[0],
  ) {
    this.accounts = new AccountsRepo(db);
    this.apiKeys = new ApiKeysRepo(db);
    this.secretKeys = new SecretKeysRepo(db);
    this.usage = new PgUsageRepo(db);
    this.backoffs = new PgBackoffsRepo(db);
    this.bindings = new PgBindingsRepo(db);
    this.events = new PgEventsRepo(db);
    this.instances = new InstancesRepo(db);
    this.ledger = new PgLedgerRepo(db);
    this.keyCounters = new KeyCountersRepo(db);
    this.poolControl = new PoolControlRepo(db);
  }

  /** Connects lazily: nothing is sent until the first query. */
  static open(url: string, options?: ConnectOptions): GatewayStore {
    const { client, db } = connectPg(url, options);
    return new GatewayStore(url, client, db);
  }

  migrate(): Promise<MigrateResult> {
    return migrateSchema(this.client, this.url);
  }

  /** Throws one clear line when the schema is behind (or ahead of) this build; never migrates. */
  async assertSchema(): Promise<void> {
    assertSchemaCurrent(await schemaState(this.client, this.url), this.url);
  }

  /** A cheap round trip: is the server there? */
  async ping(): Promise<void> {
    await this.client`SELECT 1`;
  }

  async notify(payload: Record<string, unknown>): Promise<void> {
    await this.client`SELECT pg_notify(${GATEWAY_CHANNEL}, ${JSON.stringify(payload)})`;
  }

  /**
   * Subscribes to the gateway channel on a dedicated connection (re-subscribed after a reconnect; `onListen`
   * runs each time, so the caller can reload what it may have missed while the connection was down).
   */
  async listen(onMessage: (payload: string) => void, onListen?: () => void): Promise<{ close(): Promise<void> }> {
    try {
      const sub = await this.client.listen(GATEWAY_CHANNEL, onMessage, onListen);
      return { close: () => sub.unlisten() };
    } catch (cause) {
      throw dbFailure("could not subscribe to gateway notifications", this.url, cause);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close({ timeout: 1 });
  }
}
