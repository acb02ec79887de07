/**
 * `npm run bench -- store`: fragment search at 100,000 fragments on SQLite and PostgreSQL, through
 * the store's own `search` (SQL filters, the window for "newest version per id", count and page;
 * action queries prefiltered in SQL by service and decided in JS). The data set is seeded and the
 * same on both: 8 resource types, 10 tags, 23 action patterns (wildcards on both sides, a few
 * Deny), one in ten fragments with a second version. Bulk-loaded (bulkCreateFragments: the rows
 * `create` writes, in one transaction); `create` itself is timed on a sample. PostgreSQL comes from TESSERA_BENCH_PG_URL (else TESSERA_TEST_PG_URL), in
 * a schema of its own that is dropped after; without either it is reported as not run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { actionPatternsIntersect } from '../src/fragments/index.js';
import type { FragmentContent, FragmentQuery } from '../src/fragments/index.js';
import type { Kysely } from 'kysely';
import { KyselyFragmentStore, bulkCreateFragments, migratePostgres, migrateToLatest, openPostgresDatabase, openSqliteDatabase } from '../src/store/index.js';
import type { TesseraDatabase } from '../src/store/index.js';
import { median } from './lib/measure.js';
import type { BenchOptions, BenchResult, Target } from './lib/types.js';
import { target } from './lib/types.js';
import { Prng } from './workload/prng.js';

const RESOURCE_TYPES = ['s3:bucket', 's3:object', 'dynamodb:table', 'kms:key', 'sqs:queue', 'lambda:function', 'logs:log-group', 'iam:role'];
const TAGS = ['read', 'write', 'admin', 'pii', 'data', 'crypto', 'guardrail', 'debugging', 'ops', 'billing'];
const ACTIONS = [
  's3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:Get*', 's3:*', 's3:DeleteObject*',
  'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:*Item', 'dynamodb:Query',
  'kms:Decrypt', 'kms:Encrypt', 'kms:*', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:*Message',
  'lambda:InvokeFunction', 'logs:Get*', 'iam:PassRole', 'iam:Get*', '*', 's?s:*', '*:Describe*',
];
const NOUNS = ['orders', 'invoices', 'telemetry', 'payroll', 'backups', 'audit', 'metrics', 'sessions'];
const actor = { by: 'user/bench', at: '2026-11-23T10:00:00Z' };

/** The query kinds measured, each with parameter values rotated over the runs. */
const KINDS: readonly { readonly name: string; readonly queries: readonly FragmentQuery[] }[] = [
  { name: 'by resource type', queries: RESOURCE_TYPES.map((resourceType) => ({ resourceType, limit: 50 })) },
  { name: 'by action pattern', queries: ['s3:GetObject', 'kms:Decrypt', 'sqs:*', 'dynamodb:Put*', 'iam:PassRole'].map((action) => ({ action, limit: 50 })) },
  { name: 'by tag', queries: [['pii'], ['ops'], ['admin', 'data'], ['guardrail']].map((tags) => ({ tags, limit: 50 })) },
  { name: 'text', queries: ['invoices', 'payroll 12', 'backups'].map((text) => ({ text, limit: 50 })) },
  { name: 'combined (tag + resource type + risk)', queries: RESOURCE_TYPES.map((resourceType) => ({ resourceType, tags: ['data'], minRisk: 40, limit: 50 })) },
];

export function generate(count: number): FragmentContent[] {
  const prng = new Prng(20261123);
  const random = () => prng.next();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list)))];
  return Array.from({ length: count }, (_, i) => ({
    id: `fragment-${String(i).padStart(6, '0')}`,
    title: `${pick(['Read', 'Write', 'Administer', 'Decrypt'])} ${pick(NOUNS)} number ${i}`,
    description: `Generated fragment ${i} for the store benchmark.`,
    resourceType: pick(RESOURCE_TYPES),
    owner: pick(['storage-platform', 'security', 'payments']),
    tags: some(TAGS, 3),
    risk: Math.floor(random() * 101),
    parameters: {},
    requiredConditions: [],
    statements: Array.from({ length: 1 + Math.floor(random() * 2) }, (_, s) => ({ Sid: `S${s}`, Effect: random() < 0.85 ? 'Allow' : 'Deny', Action: some(ACTIONS, 3), Resource: '*' })),
    signature: { provides: [], requires: [], conflictsWith: [], riskBudget: 100 },
  }));
}

/** How many fragments (newest versions) a query matches, decided in plain JS over the contents. */
function expectedTotal(latest: readonly FragmentContent[], q: FragmentQuery): number {
  return latest.filter((c) =>
    (q.resourceType === undefined || c.resourceType === q.resourceType) &&
    (q.tags ?? []).every((t) => c.tags.includes(t)) &&
    (q.minRisk === undefined || c.risk >= q.minRisk) &&
    (q.text === undefined || `${c.id}\n${c.title}\n${c.description}`.toLowerCase().includes(q.text.toLowerCase())) &&
    (q.action === undefined || c.statements.some((s) => s['Effect'] === 'Allow' && (s['Action'] as string[]).some((p) => actionPatternsIntersect(p, q.action as string)))),
  ).length;
}

interface DialectRun {
  readonly dialect: string;
  readonly loadMs: number;
  /** Median ms of one `store.create` into the loaded store. */
  readonly createMs: number;
  /** Median ms per kind. */
  readonly medians: readonly number[];
}

interface Opened {
  readonly db: Kysely<TesseraDatabase>;
  /** After the bulk load: what the server would do by itself (PostgreSQL: autovacuum's VACUUM ANALYZE). */
  readonly afterLoad: () => Promise<void>;
}

async function measure(dialect: string, opened: Opened, fragments: readonly (readonly FragmentContent[])[], latest: readonly FragmentContent[], runs: number, log: (m: string) => void): Promise<DialectRun> {
  const started = performance.now();
  await bulkCreateFragments(opened.db, fragments, actor);
  await opened.afterLoad();
  const loadMs = performance.now() - started;
  log(`store ${dialect}: loaded ${fragments.length.toLocaleString('en-US')} fragments in ${(loadMs / 1000).toFixed(1)} s`);
  const store = new KyselyFragmentStore(opened.db);
  try {
    const creates: number[] = [];
    for (let i = 0; i < Math.min(runs * 4, 100); i++) {
      const content = { ...(latest[i] as FragmentContent), id: `extra-${i}` };
      const t = performance.now();
      await store.create(content, actor);
      creates.push(performance.now() - t);
    }
    const medians: number[] = [];
    for (const kind of KINDS) {
      for (const q of kind.queries) {
        const { total, items } = await store.search(q); // checks the answer, and warms the cache
        const want = expectedTotal(latest, q) + expectedTotal(latest.slice(0, creates.length), q);
        if (total !== want || items.length !== Math.min(50, want)) throw new Error(`${dialect} ${kind.name} ${JSON.stringify(q)}: ${total} matches, expected ${want}`);
      }
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const q = kind.queries[r % kind.queries.length] as FragmentQuery;
        const t = performance.now();
        await store.search(q);
        times.push(performance.now() - t);
      }
      medians.push(median(times));
      log(`store ${dialect}: ${kind.name} median ${median(times).toFixed(1)} ms`);
    }
    return { dialect, loadMs, createMs: median(creates), medians };
  } finally {
    await store.close();
  }
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const count = options.quick === true ? 5_000 : 100_000;
  const runs = options.quick === true ? 5 : 25;
  const contents = generate(count);
  // One in ten fragments has a second version (a new title), so "newest version per id" has work to do.
  const fragments = contents.map((c, i) => (i % 10 === 0 ? [c, { ...c, title: `${c.title} v2` }] : [c]));
  const latest = fragments.map((versions) => versions.at(-1) as FragmentContent);
  const results: DialectRun[] = [];

  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-store-'));
  try {
    const db = openSqliteDatabase(join(dir, 'tessera.db'));
    await migrateToLatest(db as Kysely<unknown>);
    results.push(await measure('SQLite', { db, afterLoad: async () => undefined }, fragments, latest, runs, log));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const url = process.env.TESSERA_BENCH_PG_URL ?? process.env.TESSERA_TEST_PG_URL;
  const notes: string[] = [
    `${count.toLocaleString('en-US')} fragments (${(count / 10).toLocaleString('en-US')} with a second version), bulk-loaded in one transaction; ${runs} timed searches per kind after a pass that checks each query's total against a plain JS filter. Every query pages 50 and counts all matches; the time includes reading, re-hashing and parsing the 50 versions.`,
    'SQLite: a file in WAL mode (better-sqlite3, one connection). PostgreSQL 15: the local server over TCP, after `VACUUM ANALYZE` (what autovacuum does after a load; the visibility map it writes is what lets index-only scans skip the table). `create`: one fragment per transaction, as `tessera fragment add` writes.',
  ];
  if (url === undefined) notes.push('PostgreSQL not run: set TESSERA_BENCH_PG_URL (or TESSERA_TEST_PG_URL).');
  else {
    const schema = `tessera_bench_${randomBytes(4).toString('hex')}`;
    const admin = await openPostgresDatabase(url, { schema, maxConnections: 1 });
    try {
      const db = await openPostgresDatabase(url, { schema });
      await migratePostgres(db, schema);
      results.push(await measure('PostgreSQL', { db, afterLoad: () => sql`vacuum analyze`.execute(db).then(() => undefined) }, fragments, latest, runs, log));
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    }
  }

  const ms = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;
  const targets: Target[] = [];
  for (const r of results) for (const [i, kind] of KINDS.entries()) targets.push(target(`${r.dialect}: ${kind.name}, median`, r.medians[i] ?? Number.NaN, '<=', 250, 'ms'));
  return {
    name: 'store',
    title: `fragment search at ${count.toLocaleString('en-US')} fragments: SQLite and PostgreSQL`,
    table: {
      columns: ['query (page of 50, with total)', ...results.map((r) => `${r.dialect} median`)],
      rows: [
        ...KINDS.map((k, i) => [k.name, ...results.map((r) => ms(r.medians[i] ?? Number.NaN))]),
        ['create (one fragment, one transaction)', ...results.map((r) => ms(r.createMs))],
        ['bulk load of the data set', ...results.map((r) => `${(r.loadMs / 1000).toFixed(1)} s`)],
      ],
    },
    metrics: Object.fromEntries(results.flatMap((r) => [[`${r.dialect}.loadMs`, r.loadMs], [`${r.dialect}.createMedianMs`, r.createMs], ...KINDS.map((k, i) => [`${r.dialect}.${k.name}.medianMs`, r.medians[i] ?? Number.NaN])])),
    targets,
    notes,
  };
}
