/**
 * The control-plane store: fragments, tokens, the audit log, deployments, policies, artifacts, events and feed snapshots over one Kysely
 * instance, closed together. Dialect-neutral; the two openers below are all that differ.
 */
import type { Kysely, Transaction } from 'kysely';
import { FragmentStoreFailureError } from '../fragments/index.js';
import type { ArtifactStore } from './artifact-port.js';
import type { FeedSnapshotStore } from './feed-port.js';
import type { FragmentStore } from '../fragments/index.js';
import { ControlPlaneDb } from './control-plane-db.js';
import { ControlPlaneClosedError, ControlPlaneStoreError, ControlPlaneStoreFailureError } from './control-plane-errors.js';
import type { AuditLogStore, ControlPlaneStore, ControlPlaneTx, DeploymentStore, EventStore, TokenStore } from './control-plane-port.js';
import { KyselyArtifactStore } from './kysely-artifact-store.js';
import { KyselyAuditLog } from './kysely-audit-log.js';
import type { AuditLogOptions } from './kysely-audit-log.js';
import { KyselyDeploymentStore } from './kysely-deployment-store.js';
import { KyselyEventStore } from './kysely-event-store.js';
import { KyselyFeedStore } from './kysely-feed-store.js';
import { KyselyFragmentStore } from './kysely-fragment-store.js';
import { KyselyPolicyStore } from './kysely-policy-store.js';
import { KyselyTokenStore } from './kysely-token-store.js';
import { migrateToLatest } from './migrator.js';
import type { PolicyStore } from './policy-port.js';
import { migratePostgres, openPostgresDatabase } from './postgres.js';
import type { PostgresStoreOptions } from './postgres.js';
import type { TesseraDatabase } from './schema.js';
import { SqliteAuditAppender } from './sqlite-audit-append.js';
import { openSqliteConnection } from './sqlite-fragment-store.js';

export interface ControlPlaneOptions {
  /** Test-only fault injection into the audit log (see AuditLogOptions). */
  audit?: AuditLogOptions;
  /**
   * Refuse, with UnitOfWorkMisuseError, a call on the store itself from inside one of its units of
   * work (which would otherwise wait for the unit's own transaction). For tests: it tracks units of
   * work with AsyncLocalStorage, whose promise hooks would tax every request of a server.
   */
  guardUnitsOfWork?: boolean;
}

export class KyselyControlPlane implements ControlPlaneStore {
  readonly fragments: FragmentStore;
  readonly tokens: TokenStore;
  readonly audit: AuditLogStore;
  readonly deployments: DeploymentStore;
  readonly policies: PolicyStore;
  readonly artifacts: ArtifactStore;
  readonly events: EventStore;
  readonly feeds: FeedSnapshotStore;
  readonly #cp: ControlPlaneDb;
  readonly #options: ControlPlaneOptions;
  readonly #sqliteAudit: SqliteAuditAppender | undefined;

  /**
   * Takes ownership of `db` (close destroys it); the schema must be migrated. `sqliteAudit`: the
   * SQLite opener's append path for the audit log (over the same connection as `db`).
   */
  constructor(db: Kysely<TesseraDatabase>, options: ControlPlaneOptions = {}, sqliteAudit?: SqliteAuditAppender) {
    this.#cp = new ControlPlaneDb(db);
    this.#options = options;
    this.#sqliteAudit = sqliteAudit;
    this.fragments = new KyselyFragmentStore(db, { shared: true });
    this.tokens = new KyselyTokenStore(this.#cp);
    this.audit = new KyselyAuditLog(this.#cp, options.audit, sqliteAudit);
    this.deployments = new KyselyDeploymentStore(this.#cp);
    this.policies = new KyselyPolicyStore(this.#cp);
    this.artifacts = new KyselyArtifactStore(this.#cp);
    this.events = new KyselyEventStore(this.#cp);
    this.feeds = new KyselyFeedStore(this.#cp);
  }

  /**
   * One Kysely transaction with every store bound to it (their methods join it instead of opening
   * their own). Errors thrown by `work` are the stores' typed errors and are rethrown unchanged;
   * a failure to begin or commit becomes a ControlPlaneStoreFailureError.
   */
  async transaction<T>(work: (tx: ControlPlaneTx) => Promise<T>): Promise<T> {
    if (this.#cp.closed) throw new ControlPlaneClosedError();
    let thrown: { error: unknown } | undefined;
    try {
      const unit = <R>(work: () => Promise<R>) => (this.#options.guardUnitsOfWork === true ? this.#cp.runAsUnitOfWork(work) : work());
      return await unit(() => this.#cp.db.transaction().execute(async (trx) => {
        try {
          return await work(this.#bound(trx));
        } catch (error) {
          thrown = { error };
          throw error;
        }
      }));
    } catch (e) {
      if ((thrown !== undefined && thrown.error === e) || e instanceof ControlPlaneStoreError) throw e;
      throw new ControlPlaneStoreFailureError(`control-plane unit of work failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  #bound(trx: Transaction<TesseraDatabase>): ControlPlaneTx {
    const cp = this.#cp.bind(trx);
    return {
      fragments: new KyselyFragmentStore(trx, { shared: true }),
      tokens: new KyselyTokenStore(cp),
      audit: new KyselyAuditLog(cp, this.#options.audit),
      deployments: new KyselyDeploymentStore(cp),
      policies: new KyselyPolicyStore(cp),
      artifacts: new KyselyArtifactStore(cp),
      events: new KyselyEventStore(cp),
      feeds: new KyselyFeedStore(cp),
    };
  }

  async close(): Promise<void> {
    if (!this.#cp.close()) return;
    await this.fragments.close();
    await this.#sqliteAudit?.close();
    await this.#cp.db.destroy();
  }
}

/** Opens (creating and migrating as needed) the control plane in a SQLite file or ':memory:'. */
export async function openSqliteControlPlane(fileOrMemory: string, storeOptions: ControlPlaneOptions = {}): Promise<ControlPlaneStore> {
  return opened(async () => {
    const { db, database } = openSqliteConnection(fileOrMemory);
    try {
      await migrateToLatest(db as Kysely<unknown>);
      return { db, sqliteAudit: new SqliteAuditAppender(database) };
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }, storeOptions);
}

/** Opens (creating the schema and migrating as needed) the control plane in `options.schema` of the database at `url`. */
export async function openPostgresControlPlane(url: string, options: PostgresStoreOptions, storeOptions: ControlPlaneOptions = {}): Promise<ControlPlaneStore> {
  return opened(async () => {
    const db = await openPostgresDatabase(url, options);
    await migratePostgres(db, options.schema);
    return { db };
  }, storeOptions);
}

/** Failures to open are the control plane's: a fragment-store failure from the shared openers is re-typed. */
async function opened(open: () => Promise<{ db: Kysely<TesseraDatabase>; sqliteAudit?: SqliteAuditAppender }>, storeOptions: ControlPlaneOptions): Promise<ControlPlaneStore> {
  try {
    const { db, sqliteAudit } = await open();
    return new KyselyControlPlane(db, storeOptions, sqliteAudit);
  } catch (e) {
    if (e instanceof FragmentStoreFailureError) throw new ControlPlaneStoreFailureError(e.message, { cause: e.cause ?? e });
    throw e;
  }
}
