/**
 * The control-plane store: fragments, tokens, the audit log, deployments, policies and artifacts over one Kysely
 * instance, closed together. Dialect-neutral; the two openers below are all that differ.
 */
import type { Kysely } from 'kysely';
import { FragmentStoreFailureError } from '../fragments/index.js';
import type { ArtifactStore } from './artifact-port.js';
import type { FragmentStore } from '../fragments/index.js';
import { ControlPlaneDb } from './control-plane-db.js';
import { ControlPlaneStoreFailureError } from './control-plane-errors.js';
import type { AuditLogStore, ControlPlaneStore, DeploymentStore, TokenStore } from './control-plane-port.js';
import { KyselyArtifactStore } from './kysely-artifact-store.js';
import { KyselyAuditLog } from './kysely-audit-log.js';
import { KyselyDeploymentStore } from './kysely-deployment-store.js';
import { KyselyFragmentStore } from './kysely-fragment-store.js';
import { KyselyPolicyStore } from './kysely-policy-store.js';
import { KyselyTokenStore } from './kysely-token-store.js';
import { migrateToLatest } from './migrator.js';
import type { PolicyStore } from './policy-port.js';
import { migratePostgres, openPostgresDatabase } from './postgres.js';
import type { PostgresStoreOptions } from './postgres.js';
import type { TesseraDatabase } from './schema.js';
import { openSqliteDatabase } from './sqlite-fragment-store.js';

export class KyselyControlPlane implements ControlPlaneStore {
  readonly fragments: FragmentStore;
  readonly tokens: TokenStore;
  readonly audit: AuditLogStore;
  readonly deployments: DeploymentStore;
  readonly policies: PolicyStore;
  readonly artifacts: ArtifactStore;
  readonly #cp: ControlPlaneDb;

  /** Takes ownership of `db` (close destroys it); the schema must be migrated. */
  constructor(db: Kysely<TesseraDatabase>) {
    this.#cp = new ControlPlaneDb(db);
    this.fragments = new KyselyFragmentStore(db, { shared: true });
    this.tokens = new KyselyTokenStore(this.#cp);
    this.audit = new KyselyAuditLog(this.#cp);
    this.deployments = new KyselyDeploymentStore(this.#cp);
    this.policies = new KyselyPolicyStore(this.#cp);
    this.artifacts = new KyselyArtifactStore(this.#cp);
  }

  async close(): Promise<void> {
    if (!this.#cp.close()) return;
    await this.fragments.close();
    await this.#cp.db.destroy();
  }
}

/** Opens (creating and migrating as needed) the control plane in a SQLite file or ':memory:'. */
export async function openSqliteControlPlane(fileOrMemory: string): Promise<ControlPlaneStore> {
  return opened(async () => {
    const db = openSqliteDatabase(fileOrMemory);
    try {
      await migrateToLatest(db as Kysely<unknown>);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return db;
  });
}

/** Opens (creating the schema and migrating as needed) the control plane in `options.schema` of the database at `url`. */
export async function openPostgresControlPlane(url: string, options: PostgresStoreOptions): Promise<ControlPlaneStore> {
  return opened(async () => {
    const db = await openPostgresDatabase(url, options);
    await migratePostgres(db, options.schema);
    return db;
  });
}

/** Failures to open are the control plane's: a fragment-store failure from the shared openers is re-typed. */
async function opened(open: () => Promise<Kysely<TesseraDatabase>>): Promise<ControlPlaneStore> {
  try {
    return new KyselyControlPlane(await open());
  } catch (e) {
    if (e instanceof FragmentStoreFailureError) throw new ControlPlaneStoreFailureError(e.message, { cause: e.cause ?? e });
    throw e;
  }
}
