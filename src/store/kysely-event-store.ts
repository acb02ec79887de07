/**
 * The adaptation loop's events over Kysely (dialect-neutral). An append writes the one-row
 * `monitor_event_head` first, which takes SQLite's writer lock or that row's lock on PostgreSQL,
 * so appenders on any node queue there and seq order is commit order (see 007-events). Pruning
 * deletes the oldest rows only and leaves the head row alone, so seqs are never reused and `head()`
 * never goes back.
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { InvalidStoreArgumentError } from './control-plane-errors.js';
import type { EventPruneOptions, EventStore, StoredEvent, StoredEventInput } from './control-plane-port.js';
import { fromJsonText, toJsonText, toSeq } from './control-plane-db.js';
import type { ControlPlaneDb } from './control-plane-db.js';
import type { MonitorEventsTable } from './schema.js';

export class KyselyEventStore implements EventStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  append(event: StoredEventInput): Promise<StoredEvent> {
    if (typeof event.type !== 'string' || event.type.length === 0) return Promise.reject(new InvalidStoreArgumentError('an event needs a type'));
    return this.cp.tx('event append', async (trx) => {
      const head = await trx
        .insertInto('monitor_event_head')
        .values({ id: 1, seq: 1 })
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ seq: eb(eb.ref('monitor_event_head.seq'), '+', 1) })))
        .returning('seq')
        .executeTakeFirstOrThrow();
      const seq = toSeq(head.seq, 'event seq');
      const detail = toJsonText(event.detail ?? null);
      await trx.insertInto('monitor_events').values({ seq, type: event.type, at: event.at, deployment_id: event.deploymentId, detail }).execute();
      return { seq, type: event.type, at: event.at, deploymentId: event.deploymentId, detail: fromJsonText(detail, `detail of event ${seq}`) };
    });
  }

  list(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) return Promise.reject(new InvalidStoreArgumentError(`afterSeq must be a whole number ≥ 0, not ${afterSeq}`));
    if (!Number.isSafeInteger(limit) || limit < 0) return Promise.reject(new InvalidStoreArgumentError(`limit must be a whole number ≥ 0, not ${limit}`));
    return this.cp.tx('event list', async (trx) => {
      if (limit === 0) return [];
      const rows = await trx.selectFrom('monitor_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map(toEvent);
    });
  }

  prune(options: EventPruneOptions): Promise<number> {
    const { keepLatest, olderThan } = options;
    if (keepLatest === undefined && olderThan === undefined) return Promise.reject(new InvalidStoreArgumentError('prune needs keepLatest or olderThan'));
    if (keepLatest !== undefined && !(Number.isSafeInteger(keepLatest) && keepLatest >= 0)) return Promise.reject(new InvalidStoreArgumentError(`keepLatest must be a whole number ≥ 0, not ${keepLatest}`));
    const cutoffMs = olderThan === undefined ? undefined : Date.parse(olderThan);
    if (cutoffMs !== undefined && !Number.isFinite(cutoffMs)) return Promise.reject(new InvalidStoreArgumentError(`olderThan must be an ISO 8601 date, not \`${olderThan}\``));
    // Events carry `at` as UTC ISO text (toISOString), so text order is time order.
    const cutoff = cutoffMs === undefined ? undefined : new Date(cutoffMs).toISOString();
    return this.cp.tx('event prune', async (trx) => {
      const head = (column: ReturnType<typeof sql<number>>) => trx.selectFrom('monitor_event_head').select(column.as('bound')).where('id', '=', 1);
      const result = await trx
        .deleteFrom('monitor_events')
        .where((eb) => eb.or([
          // Seqs are gap-free, so the latest N are the seqs above head - N.
          ...(keepLatest === undefined ? [] : [eb('seq', '<=', head(sql<number>`seq - ${keepLatest}`))]),
          // Everything before the first event that is not older, found walking the seq index from the
          // oldest (it stops there: no scan of the events kept); all of them when none is that new.
          ...(cutoff === undefined ? [] : [eb('seq', '<', eb.fn.coalesce(
            trx.selectFrom('monitor_events as kept').select('kept.seq').where('kept.at', '>=', cutoff).orderBy('kept.seq').limit(1),
            head(sql<number>`seq + 1`),
          ))]),
        ]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  head(): Promise<number> {
    return this.cp.tx('event head', async (trx) => {
      const row = await trx.selectFrom('monitor_event_head').select('seq').where('id', '=', 1).executeTakeFirst();
      return row === undefined ? 0 : toSeq(row.seq, 'event head');
    });
  }
}

function toEvent(row: Selectable<MonitorEventsTable>): StoredEvent {
  const seq = toSeq(row.seq, 'event seq');
  return { seq, type: row.type, at: row.at, deploymentId: row.deployment_id, detail: fromJsonText(row.detail, `detail of event ${seq}`) };
}
