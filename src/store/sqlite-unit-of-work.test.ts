/** The unit-of-work contract on SQLite, in a file and in :memory: (one handle: its transactions are serialized). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteControlPlane } from './index.js';
import { describeUnitOfWorkContract } from './testing/unit-of-work-contract.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-unit-of-work-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeUnitOfWorkContract('SQLite control plane in a file', { open: (options) => openSqliteControlPlane(join(dir, `uow-${++files}.db`), options) });
describeUnitOfWorkContract('SQLite control plane in :memory:', { open: (options) => openSqliteControlPlane(':memory:', options) });
