/** Issue 8 over HTTP on both stores: a request whose audit append fails changes nothing. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { openPostgresControlPlane, openSqliteControlPlane } from '../store/index.js';
import { atomicAuditSuite, doomedAudit } from './testing/atomic-audit-suite.js';
import { startHarness, type Harness } from './testing/harness.js';

describe('a change and its audit record over HTTP on SQLite', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-atomic-audit-'));
    h = await startHarness(() => openSqliteControlPlane(join(dir, 'tessera.db'), doomedAudit));
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });
  atomicAuditSuite(() => h);
});

const url = pgTestUrl();

describe.skipIf(url === undefined)('a change and its audit record over HTTP on PostgreSQL', () => {
  const schema = withTestSchema(url ?? '', 'tessera_atomic_audit');
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => openPostgresControlPlane(schema.url, { schema: schema.schema }, doomedAudit));
  });
  afterAll(async () => {
    await h?.close();
  });
  atomicAuditSuite(() => h);
});
