/** The embedded store in the data directory, opened for one command and closed after it. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FragmentStore } from '../fragments/index.js';
import { openSqliteFragmentStore } from '../store/index.js';
import { UsageError } from './errors.js';

/** The SQLite file inside a data directory. */
export function storeFile(dataDir: string): string {
  return join(dataDir, 'tessera.db');
}

export async function withFragmentStore<T>(dataDir: string, work: (store: FragmentStore) => Promise<T>): Promise<T> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the data directory \`${dataDir}\`: ${(e as Error).message}`);
  }
  const store = await openSqliteFragmentStore(storeFile(dataDir));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
