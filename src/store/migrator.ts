/** Brings a database to the newest schema with Kysely's Migrator over the static migration list. */
import { Migrator } from 'kysely';
import type { Kysely, MigrationResult } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

/** A migration failed; the database is left at the last migration that succeeded. */
export class StoreMigrationError extends Error {
  readonly code = 'store/migration-failed';
  override readonly name = 'StoreMigrationError';
  constructor(message: string, readonly results: readonly MigrationResult[], options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface MigratorOptions {
  /**
   * The PostgreSQL schema that holds the store (and Kysely's migration tables). Needed there
   * because Kysely otherwise looks for its migration table in every schema of the database, and
   * would take another schema's for this one's.
   */
  readonly schema?: string;
}

export function createMigrator(db: Kysely<unknown>, options: MigratorOptions = {}): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    ...(options.schema !== undefined && { migrationTableSchema: options.schema }),
  });
}

/** Runs every pending migration; returns the names of those that ran. */
export async function migrateToLatest(db: Kysely<unknown>, options: MigratorOptions = {}): Promise<string[]> {
  const { error, results = [] } = await createMigrator(db, options).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : String(error);
    throw new StoreMigrationError(`store migration ${failed === undefined ? '' : `\`${failed}\` `}failed: ${detail}`, results, { cause: error });
  }
  return results.map((r) => r.migrationName);
}
