/**
 * The adaptation loop's events, kept in the database so that every node serves the same list at
 * GET /v1/events and a restart keeps them. `seq` is handed out under the one-row
 * `monitor_event_head` (the appenders' lock, as `audit_head` is for the audit log), so seq order is
 * commit order: a reader paging with `after` never skips an event that commits later with a
 * smaller seq, which an identity column on PostgreSQL would allow.
 *
 * Also `deployments.documents`: which stored app profile and environment revisions a deployment
 * registered by reference uses (JSON text, null for inline documents), so the loop can follow new
 * revisions and say so (`app-changed`, `environment-changed`).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);
  await db.schema
    .createTable('monitor_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('deployment_id', text, (c) => c.notNull())
    .addColumn('detail', text, (c) => c.notNull())
    .addCheckConstraint('monitor_events_seq_check', sql`seq >= 1`)
    .addCheckConstraint('monitor_events_type_check', sql`length(type) >= 1`)
    .execute();
  await db.schema
    .createTable('monitor_event_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addCheckConstraint('monitor_event_head_id_check', sql`id = 1`)
    .execute();
  await db.schema.alterTable('deployments').addColumn('documents', text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deployments').dropColumn('documents').execute();
  await db.schema.dropTable('monitor_event_head').execute();
  await db.schema.dropTable('monitor_events').execute();
}
