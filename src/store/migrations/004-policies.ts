/**
 * Synthesized policies (issue 8): versioned permissions boundaries, synthesized policies with
 * their versions and status history, and assignments of policies to principals. Same portable
 * rules as 001/002 (natural keys, text/integer columns, canonical JSON text, CHECKs SQLite and
 * PostgreSQL share). "At most one active version per policy" is a partial unique index, so the
 * database itself refuses a second active version whatever a store does.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { textType } from './portable.js';

const STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'active', 'superseded'] as const;
const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<unknown>): Promise<void> {
  const text = textType(db);

  // `latest_version` numbers the next version and is the row writers lock first.
  await db.schema
    .createTable('boundaries')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addCheckConstraint('boundaries_id_check', sql`length(id) >= 1`)
    .execute();

  await db.schema
    .createTable('boundary_versions')
    .addColumn('boundary_id', text, (c) => c.notNull().references('boundaries.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('document', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('boundary_versions_pk', ['boundary_id', 'version'])
    .addCheckConstraint('boundary_versions_version_check', sql`version >= 1`)
    .execute();

  await db.schema
    .createTable('policies')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('team', text, (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addCheckConstraint('policies_id_check', sql`length(id) >= 1 and length(team) >= 1`)
    .execute();

  await db.schema
    .createTable('policy_versions')
    .addColumn('policy_id', text, (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('request', text, (c) => c.notNull())
    .addColumn('documents', text, (c) => c.notNull())
    .addColumn('verdict', text, (c) => c.notNull())
    .addColumn('risk', 'double precision', (c) => c.notNull())
    .addColumn('boundary_id', text, (c) => c.notNull())
    .addColumn('boundary_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('created_by', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_versions_pk', ['policy_id', 'version'])
    .addForeignKeyConstraint('policy_versions_boundary_fk', ['boundary_id', 'boundary_version'], 'boundary_versions', ['boundary_id', 'version'])
    .addCheckConstraint('policy_versions_version_check', sql`version >= 1`)
    .addCheckConstraint('policy_versions_status_check', sql`status in (${list(STATUSES)})`)
    .execute();
  await db.schema.createIndex('policy_versions_one_active').on('policy_versions').column('policy_id').unique().where(sql.ref('status'), '=', 'active').execute();

  await db.schema
    .createTable('policy_status_history')
    .addColumn('policy_id', text, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_status', text, (c) => c.notNull())
    .addColumn('to_status', text, (c) => c.notNull())
    .addColumn('changed_at', text, (c) => c.notNull())
    .addColumn('changed_by', text, (c) => c.notNull())
    .addColumn('comment', text)
    .addPrimaryKeyConstraint('policy_status_history_pk', ['policy_id', 'version', 'seq'])
    .addForeignKeyConstraint('policy_status_history_version_fk', ['policy_id', 'version'], 'policy_versions', ['policy_id', 'version'], (fk) => fk.onDelete('cascade'))
    .execute();

  // One row per principal (who changed it last, and when) and one per assigned policy, in order.
  await db.schema
    .createTable('assignments')
    .addColumn('principal', text, (c) => c.primaryKey())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('updated_by', text, (c) => c.notNull())
    .addCheckConstraint('assignments_principal_check', sql`length(principal) >= 1`)
    .execute();
  await db.schema
    .createTable('assignment_policies')
    .addColumn('principal', text, (c) => c.notNull().references('assignments.principal').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('policy_id', text, (c) => c.notNull().references('policies.id'))
    .addPrimaryKeyConstraint('assignment_policies_pk', ['principal', 'position'])
    .addUniqueConstraint('assignment_policies_unique', ['principal', 'policy_id'])
    .execute();
  // "Who holds this policy": the question asked when a version is activated.
  await db.schema.createIndex('assignment_policies_policy_idx').on('assignment_policies').column('policy_id').execute();

  // One row: counts the changes that can alter a principal's policy set (activations, assignments,
  // boundaries), so servers on other nodes notice them and drop their cached sets.
  await db.schema
    .createTable('policy_revision')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addCheckConstraint('policy_revision_id_check', sql`id = 1`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['policy_revision', 'assignment_policies', 'assignments', 'policy_status_history', 'policy_versions', 'policies', 'boundary_versions', 'boundaries']) {
    await db.schema.dropTable(table).execute();
  }
}
