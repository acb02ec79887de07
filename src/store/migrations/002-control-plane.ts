/**
 * The control plane's tables: API tokens, the hash-chained audit log with its one-row head (the
 * appenders' lock), registered deployments and their image lineage. Same portable rules as
 * 001-fragments: natural keys, text/integer/bigint columns, CHECK constraints with `in (...)`,
 * `length()`, `like` and `is null`, which SQLite and PostgreSQL share. JSON values are stored as
 * canonical JSON text. Literal lists are written out here rather than imported, so the migration
 * keeps meaning what it meant when it was written.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

const ROLES = ['central-admin', 'delegated-admin', 'approver', 'auditor', 'service'] as const;
const OUTCOMES = ['allowed', 'denied', 'changed', 'failed'] as const;
const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('principal', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('team', text)
    .addColumn('secret_hash', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addColumn('revoked_at', text)
    .addCheckConstraint('api_tokens_id_check', sql`length(id) >= 1`)
    .addCheckConstraint('api_tokens_role_check', sql`role in (${list(ROLES)})`)
    // A delegated admin is scoped to a team; no other role is.
    .addCheckConstraint('api_tokens_team_check', sql`(role = 'delegated-admin' and team is not null and length(team) >= 1) or (role <> 'delegated-admin' and team is null)`)
    // substr, not like: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    .addCheckConstraint('api_tokens_secret_hash_check', sql`substr(secret_hash, 1, 7) = 'scrypt$'`)
    .execute();
  // listTokens' order.
  await db.schema.createIndex('api_tokens_created_idx').on('api_tokens').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('prev_hash', text, (c) => c.notNull())
    .addColumn('hash', text, (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull())
    .addColumn('actor', text, (c) => c.notNull())
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('resource', text, (c) => c.notNull())
    .addColumn('outcome', text, (c) => c.notNull())
    .addColumn('detail', text, (c) => c.notNull())
    .addCheckConstraint('audit_log_seq_check', sql`seq >= 1`)
    .addCheckConstraint('audit_log_hash_check', sql`length(hash) = 64 and length(prev_hash) = 64`)
    .addCheckConstraint('audit_log_outcome_check', sql`outcome in (${list(OUTCOMES)})`)
    .execute();
  // "What did this principal do": the audit question asked most after reading the log in order.
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'seq']).execute();

  // One row: every append writes it first, which takes SQLite's writer lock or this row's lock on
  // PostgreSQL, so appenders queue before reading the head. `seq` is the last seq appended.
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addCheckConstraint('audit_head_id_check', sql`id = 1`)
    .addCheckConstraint('audit_head_seq_check', sql`seq >= 0`)
    .execute();

  await db.schema
    .createTable('deployments')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('app', text, (c) => c.notNull())
    .addColumn('environment', text, (c) => c.notNull())
    .addColumn('image_digest', text)
    .addColumn('plan_digest', text)
    .addColumn('risk_tier', text)
    .addColumn('updated_at', text, (c) => c.notNull())
    .addCheckConstraint('deployments_id_check', sql`length(id) >= 1`)
    .addCheckConstraint('deployments_image_digest_check', sql`image_digest is null or image_digest like '%:%'`)
    .execute();
  // The monitor's question when a vulnerability lands in an image: which deployments run it.
  await db.schema.createIndex('deployments_image_digest_idx').on('deployments').column('image_digest').execute();

  await db.schema
    .createTable('image_lineage')
    .addColumn('deployment_id', text, (c) => c.notNull().references('deployments.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_digest', text)
    .addColumn('to_digest', text, (c) => c.notNull())
    .addColumn('plan_digest', text, (c) => c.notNull())
    .addColumn('reasons', text, (c) => c.notNull())
    .addColumn('at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_lineage_pk', ['deployment_id', 'seq'])
    .addCheckConstraint('image_lineage_seq_check', sql`seq >= 1`)
    .addCheckConstraint('image_lineage_digest_check', sql`to_digest like '%:%' and (from_digest is null or from_digest like '%:%')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['image_lineage', 'deployments', 'audit_head', 'audit_log', 'api_tokens']) await db.schema.dropTable(table).execute();
}
