/**
 * Threat-feed snapshots on disk: each accepted feed is kept byte for byte under its SHA-256
 * (`<dir>/<source>/<hash>.<ext>`), and `<dir>/index.json` lists the snapshots and which one of
 * each source is current. Feeds are megabytes of text read whole by their parsers, so files
 * suit them better than database rows; the index is small and rewritten atomically (temporary
 * file + rename), so a crash leaves either the old or the new state, never half of one.
 *
 * The store never validates: callers parse first and save only a feed that parsed without
 * errors, so a bad feed never replaces the current one. One adapter of the FeedSnapshotStore
 * port (feed-port.ts), for embedded and offline use; a server keeps its feeds in the control
 * plane (kysely-feed-store.ts), where every node sees them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, FeedStoreError, matchPrefix, type FeedSnapshot, type FeedSnapshotMeta, type FeedSnapshotStore, type FeedSource } from './feed-port.js';

export type { FeedSnapshot, FeedSource } from './feed-port.js';
export { FeedStoreError } from './feed-port.js';

interface Index {
  readonly snapshots: readonly FeedSnapshot[];
  readonly current: Readonly<Partial<Record<FeedSource, string>>>;
}

const EXTENSION: Record<FeedSource, string> = { kev: 'json', epss: 'csv', 'debian-tracker': 'json', osv: 'json' };

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export class FileFeedStore implements FeedSnapshotStore {
  constructor(private readonly dir: string) {}

  /** Whether the directory holds an index (a store that was written to and not retired). */
  async exists(): Promise<boolean> {
    return readFile(join(this.dir, 'index.json')).then(() => true, () => false);
  }

  /**
   * Renames the index to `index.imported.json` once its snapshots were moved elsewhere (a control
   * plane's store): the store then reads as empty, and the files stay for whoever wants them.
   */
  async retire(): Promise<void> {
    await rename(join(this.dir, 'index.json'), join(this.dir, 'index.imported.json'));
  }

  private async index(): Promise<Index> {
    let text: string;
    try {
      text = await readFile(join(this.dir, 'index.json'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { snapshots: [], current: {} };
      throw new FeedStoreError(`cannot read the feed index in ${this.dir}: ${(e as Error).message}`);
    }
    try {
      const index = JSON.parse(text) as Index;
      if (!Array.isArray(index.snapshots) || typeof index.current !== 'object' || index.current === null) throw new Error('unexpected shape');
      return index;
    } catch (e) {
      throw new FeedStoreError(`the feed index ${join(this.dir, 'index.json')} is corrupt (${(e as Error).message}); move it away and import the feeds again`);
    }
  }

  /** Every snapshot, oldest first; of one source when given. */
  async list(source?: FeedSource): Promise<FeedSnapshot[]> {
    const { snapshots } = await this.index();
    return snapshots.filter((s) => source === undefined || s.source === source);
  }

  async current(source: FeedSource): Promise<FeedSnapshot | undefined> {
    const index = await this.index();
    const hash = index.current[source];
    return hash === undefined ? undefined : index.snapshots.find((s) => s.source === source && s.hash === hash);
  }

  /** A snapshot by (a unique prefix of) its hash. */
  async find(source: FeedSource, hashPrefix: string): Promise<FeedSnapshot | undefined> {
    return matchPrefix(await this.list(source), source, hashPrefix);
  }

  /** The snapshot before the current one of a source, if any. */
  async previous(source: FeedSource): Promise<FeedSnapshot | undefined> {
    return before(await this.list(source), await this.current(source));
  }

  async currentHashes(): Promise<Partial<Record<FeedSource, string>>> {
    return { ...(await this.index()).current };
  }

  async read(snapshot: FeedSnapshot): Promise<string> {
    const text = await readFile(join(this.dir, snapshot.source, `${snapshot.hash}.${EXTENSION[snapshot.source]}`), 'utf8').catch((e: Error) => {
      throw new FeedStoreError(`snapshot ${snapshot.hash.slice(0, 12)} of ${snapshot.source} is missing its content: ${e.message}`);
    });
    if (sha256(text) !== snapshot.hash) throw new FeedStoreError(`snapshot ${snapshot.hash.slice(0, 12)} of ${snapshot.source} does not match its hash: the file was changed on disk`);
    return text;
  }

  /**
   * Saves an already validated feed and makes it current. The same content as the current
   * snapshot adds nothing (`changed: false`); content seen before becomes current again.
   */
  async save(source: FeedSource, text: string, meta: FeedSnapshotMeta): Promise<{ snapshot: FeedSnapshot; changed: boolean }> {
    const index = await this.index();
    const hash = sha256(text);
    const known = index.snapshots.find((s) => s.source === source && s.hash === hash);
    if (known !== undefined && index.current[source] === hash) return { snapshot: known, changed: false };
    const snapshot: FeedSnapshot = known ?? { source, hash, ...meta, bytes: Buffer.byteLength(text, 'utf8') };
    await mkdir(join(this.dir, source), { recursive: true });
    if (known === undefined) await writeAtomically(join(this.dir, source, `${hash}.${EXTENSION[source]}`), text).catch((e: Error) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
    // A snapshot that becomes current again moves to the end, so "previous" stays the one before it.
    const snapshots = [...index.snapshots.filter((s) => !(s.source === source && s.hash === hash)), snapshot];
    await writeAtomically(join(this.dir, 'index.json'), JSON.stringify({ snapshots, current: { ...index.current, [source]: hash } }, null, 2) + '\n');
    return { snapshot, changed: true };
  }
}
