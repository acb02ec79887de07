/**
 * What the migrations need to know about the dialect, kept to one place. The SQL is the same on
 * SQLite and PostgreSQL except for text columns: PostgreSQL compares and sorts text by the
 * database's collation (often `en_US.UTF-8`, which ignores punctuation at first, so `tk-b` sorts
 * before `tk_a`), while SQLite, the in-memory store and JS compare code units. Declaring text
 * `collate "C"` on PostgreSQL makes ordering, equality and LIKE byte-wise there too, so every
 * adapter pages and orders alike. On SQLite the type stays plain `text`, as it always was.
 */
import { PostgresAdapter, sql } from 'kysely';
import type { Expression, Kysely } from 'kysely';

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The type of every text column: `text` on SQLite, `text collate "C"` on PostgreSQL. */
export function textType(db: Kysely<unknown>): 'text' | Expression<unknown> {
  return isPostgres(db) ? sql`text collate "C"` : 'text';
}
