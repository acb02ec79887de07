/** The embedded store in the data directory, opened for one command and closed after it. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FragmentStore } from '../fragments/index.js';
import { openSqliteControlPlane, openSqliteFragmentStore } from '../store/index.js';
import type { ControlPlaneStore } from '../store/index.js';
import { UsageError } from './errors.js';
import { RemoteFragmentStore } from './remote-fragment-store.js';

/** The SQLite file inside a data directory. */
export function storeFile(dataDir: string): string {
  return join(dataDir, 'tessera.db');
}

async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the data directory \`${dataDir}\`: ${(e as Error).message}`);
  }
}

/** Where the fragment commands keep fragments: the data directory's store, or a server (`--server`). */
export interface StoreTarget {
  dataDir: string;
  server?: string;
  token?: string;
}

export async function withFragmentStore<T>(target: string | StoreTarget, work: (store: FragmentStore) => Promise<T>): Promise<T> {
  const { dataDir, server, token }: StoreTarget = typeof target === 'string' ? { dataDir: target } : target;
  if (server !== undefined) {
    if (token === undefined || token === '') throw new UsageError('--server needs --token (or $TESSERA_TOKEN): an API token from `tessera serve` or POST /v1/tokens');
    if (!/^https?:\/\//.test(server)) throw new UsageError(`--server \`${server}\` is not an http(s) URL`);
    return work(new RemoteFragmentStore({ url: server, token }));
  }
  await ensureDataDir(dataDir);
  const store = await openSqliteFragmentStore(storeFile(dataDir));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The whole control plane (fragments, tokens, audit log, deployments) in the same file. */
export async function withControlPlane<T>(dataDir: string, work: (store: ControlPlaneStore) => Promise<T>): Promise<T> {
  await ensureDataDir(dataDir);
  const store = await openSqliteControlPlane(storeFile(dataDir));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
