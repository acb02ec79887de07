/** Public surface of the store module: the persistence adapters behind the ports of the engines. */
export { openSqliteDatabase, openSqliteFragmentStore } from './sqlite-fragment-store.js';
export { KyselyFragmentStore } from './kysely-fragment-store.js';
export { StoreMigrationError, createMigrator, migrateToLatest } from './migrator.js';
export { MIGRATIONS } from './migrations/index.js';
export type { TesseraDatabase } from './schema.js';
export { FeedStoreError, FileFeedStore, sha256 } from './feed-snapshots.js';
export type { FeedSnapshot, FeedSource } from './feed-snapshots.js';
