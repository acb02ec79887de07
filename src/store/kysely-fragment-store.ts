/**
 * The fragment store over any Kysely dialect. Each method is one transaction, and each writer
 * writes before it reads (the insert in create, the counter update in addVersion, a no-op update
 * of the fragment row in transition), so it holds the write lock (SQLite) or the fragment's row
 * lock (PostgreSQL) before deciding anything: concurrent writers queue up instead of losing updates
 * or failing on a stale read snapshot. Failures of the database surface as
 * FragmentStoreFailureError with the driver's error as cause.
 */
import type { Kysely, Transaction } from 'kysely';
import {
  CorruptFragmentStoreError,
  FragmentExistsError,
  FragmentNotFoundError,
  FragmentStoreError,
  FragmentStoreFailureError,
  FragmentUnchangedError,
  StaleStatusError,
  StoreClosedError,
  contentHash,
  formatRef,
  planTransition,
} from '../fragments/index.js';
import type { Actor, FragmentContent, FragmentQuery, FragmentRef, FragmentSearchResult, FragmentStatus, FragmentStore, FragmentVersion, LifecycleAction } from '../fragments/index.js';
import { inTransaction } from './control-plane-db.js';
import { checkStatus, insertVersion, loadAllVersions, loadVersions } from './fragment-rows.js';
import { searchVersions } from './fragment-search-sql.js';
import type { TesseraDatabase } from './schema.js';

type Trx = Transaction<TesseraDatabase>;

export class KyselyFragmentStore implements FragmentStore {
  #closed = false;

  /**
   * Takes ownership of `db` (close destroys it) unless `shared`, when its owner (the control-plane
   * store) destroys it; the schema must be migrated. `db` may be a Transaction (a unit of work's
   * view, shared): every method then runs inside it.
   */
  constructor(private readonly db: Kysely<TesseraDatabase>, private readonly options: { shared?: boolean } = {}) {}

  create(content: FragmentContent, actor: Actor): Promise<FragmentVersion> {
    return this.#tx('create', async (trx) => {
      const inserted = await trx
        .insertInto('fragments')
        .values({ id: content.id, latest_version: 1, created_at: actor.at, created_by: actor.by })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) throw new FragmentExistsError(content.id);
      await insertVersion(trx, content, 1, actor);
      return this.#reload(trx, { id: content.id, version: 1 });
    });
  }

  addVersion(content: FragmentContent, actor: Actor): Promise<FragmentVersion> {
    return this.#tx('addVersion', async (trx) => {
      // Write first: it takes SQLite's write lock or PostgreSQL's row lock before anything is read.
      const bumped = await trx
        .updateTable('fragments')
        .set((eb) => ({ latest_version: eb('latest_version', '+', 1) }))
        .where('id', '=', content.id)
        .executeTakeFirst();
      if (bumped.numUpdatedRows === 0n) throw new FragmentNotFoundError(content.id);
      const { latest_version: version } = await trx.selectFrom('fragments').select('latest_version').where('id', '=', content.id).executeTakeFirstOrThrow();
      const previous = await trx.selectFrom('fragment_versions').select('hash').where('fragment_id', '=', content.id).where('version', '=', version - 1).executeTakeFirst();
      if (previous === undefined) throw new CorruptFragmentStoreError(`fragment \`${content.id}\` counts ${version - 1} versions but has no version ${version - 1}`);
      const hash = contentHash(content);
      if (previous.hash === hash) throw new FragmentUnchangedError({ id: content.id, version: version - 1 }, hash);
      await insertVersion(trx, content, version, actor);
      return this.#reload(trx, { id: content.id, version });
    });
  }

  get(ref: FragmentRef): Promise<FragmentVersion | undefined> {
    return this.#tx('get', async (trx) => (await loadVersions(trx, [ref]))[0]);
  }

  versions(id: string): Promise<FragmentVersion[]> {
    return this.#tx('versions', (trx) => loadAllVersions(trx, id));
  }

  transition(ref: FragmentRef, action: LifecycleAction, actor: Actor & { comment?: string }, expected?: FragmentStatus): Promise<FragmentVersion> {
    return this.#tx('transition', async (trx) => {
      // A write that changes nothing, first: it takes the write lock (SQLite) or the fragment's row
      // lock (PostgreSQL) before the status is read, so writers of one fragment queue up.
      await trx.updateTable('fragments').set((eb) => ({ latest_version: eb.ref('latest_version') })).where('id', '=', ref.id).execute();
      const row = await trx.selectFrom('fragment_versions').select('status').where('fragment_id', '=', ref.id).where('version', '=', ref.version).executeTakeFirst();
      if (row === undefined) throw new FragmentNotFoundError(ref.id, ref.version);
      const from = checkStatus(row.status, formatRef(ref));
      const to = planTransition(ref, from, action, expected);
      // Compare-and-set as well, so correctness does not rest on the lock alone.
      const updated = await trx
        .updateTable('fragment_versions')
        .set({ status: to })
        .where('fragment_id', '=', ref.id)
        .where('version', '=', ref.version)
        .where('status', '=', from)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) {
        const now = await trx.selectFrom('fragment_versions').select('status').where('fragment_id', '=', ref.id).where('version', '=', ref.version).executeTakeFirstOrThrow();
        throw new StaleStatusError(ref, expected ?? from, checkStatus(now.status, formatRef(ref)));
      }
      const last = await trx
        .selectFrom('fragment_status_history')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('fragment_id', '=', ref.id)
        .where('version', '=', ref.version)
        .executeTakeFirst();
      await trx
        .insertInto('fragment_status_history')
        .values({
          fragment_id: ref.id,
          version: ref.version,
          seq: Number(last?.seq ?? 0) + 1,
          from_status: from,
          to_status: to,
          changed_at: actor.at,
          changed_by: actor.by,
          comment: actor.comment ?? null,
        })
        .execute();
      return this.#reload(trx, ref);
    });
  }

  search(query: FragmentQuery): Promise<FragmentSearchResult> {
    return this.#tx('search', (trx) => searchVersions(trx, query));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.options.shared !== true) await this.db.destroy();
  }

  async #reload(trx: Trx, ref: FragmentRef): Promise<FragmentVersion> {
    const [version] = await loadVersions(trx, [ref]);
    if (version === undefined) throw new FragmentNotFoundError(ref.id, ref.version);
    return version;
  }

  /** Runs `body` in one transaction; anything but a FragmentStoreError becomes a FragmentStoreFailureError. */
  async #tx<T>(operation: string, body: (trx: Trx) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreClosedError();
    try {
      return await inTransaction(this.db, body);
    } catch (e) {
      if (e instanceof FragmentStoreError) throw e;
      throw new FragmentStoreFailureError(`fragment store ${operation} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}
