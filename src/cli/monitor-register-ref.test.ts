/**
 * `tessera monitor register --app-ref/--env-ref`: a deployment that references stored documents
 * (put through the store, as PUT /v1/apps and /v1/environments do), on the data directory's SQLite
 * store. An unknown reference fails with a clear message and registers nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';
import { openSqliteControlPlane } from '../store/index.js';

const app = { name: 'shell-runner', function: 'runs maintenance scripts', data: { classes: ['operational'], sensitivity: 'internal' }, users: { base: 'internal', size: 10 }, criticality: 'low', packages: ['dash'] };
const env = { name: 'ops-subnet', exposure: 'internal', networkControls: { waf: false, segmentation: true, egressFiltering: true }, accessControls: { mfa: true, sso: true, privilegedAccessManagement: false }, region: 'eu-central-1', country: 'DE', compliance: [] };

describe('tessera monitor register by reference', () => {
  let dir: string;
  const tessera = (args: string[]) => run(['--data-dir', dir, ...args], { env: { USER: 'tester' } });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-register-ref-'));
    // Opening the data directory's store once creates it where the CLI looks.
    expect((await tessera(['monitor', 'run-once', '--dry-run'])).code).toBe(0);
    const store = await openSqliteControlPlane(join(dir, 'tessera.db'));
    try {
      await store.artifacts.putDocument('app', 'shell-runner', app, { by: 'user/alice', at: '2026-11-23T10:00:00Z' });
      await store.artifacts.putDocument('app', 'shell-runner', { ...app, criticality: 'medium' }, { by: 'user/alice', at: '2026-11-23T10:01:00Z' });
      await store.artifacts.putDocument('environment', 'ops-subnet', env, { by: 'user/alice', at: '2026-11-23T10:00:00Z' });
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves name (latest) and name@revision and records the revisions', async () => {
    const r = await tessera(['monitor', 'register', '--id', 'shell', '--app-ref', 'shell-runner@1', '--env-ref', 'ops-subnet', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as { app: unknown; documents: unknown; registered: boolean };
    expect(d.registered).toBe(true);
    expect(d.app).toEqual(app);
    expect(d.documents).toEqual({ app: { name: 'shell-runner', revision: 1, follow: false }, environment: { name: 'ops-subnet', revision: 1, follow: true } });
  });

  it('fails on an unknown reference or a malformed one, and registers nothing', async () => {
    const r = await tessera(['monitor', 'register', '--id', 'ghost', '--app-ref', 'no-such-app', '--env-ref', 'ops-subnet']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('no stored app `no-such-app`');
    expect((await tessera(['monitor', 'register', '--id', 'ghost', '--app-ref', 'shell-runner@0', '--env-ref', 'ops-subnet'])).err).toContain('use name or name@revision');
    expect((await tessera(['monitor', 'register', '--id', 'ghost', '--env-ref', 'ops-subnet'])).err).toContain('give --app <file> or --app-ref');
    const store = await openSqliteControlPlane(join(dir, 'tessera.db'));
    try {
      expect(await store.deployments.getDeployment('ghost')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
