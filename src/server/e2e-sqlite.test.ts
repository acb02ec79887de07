/** The API end to end over HTTP on a real port, on the SQLite control plane. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextEnricher } from '../context/index.js';
import { EventBus } from '../monitor/index.js';
import { openSqliteControlPlane } from '../store/index.js';
import { accessSuite } from './testing/access-suite.js';
import { artifactSuite } from './testing/artifact-suite.js';
import { deploymentSuite } from './testing/deployment-suite.js';
import { eventSuite } from './testing/event-suite.js';
import { startHarness, type Harness } from './testing/harness.js';
import { inputSuite } from './testing/input-suite.js';
import { policySuite } from './testing/policy-suite.js';
import { workflowSuite } from './testing/workflow-suite.js';

describe('HTTP API on SQLite', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    // A file, not :memory:, so that the store runs as `tessera serve` runs it (WAL, one writer).
    dir = await mkdtemp(join(tmpdir(), 'tessera-server-'));
    h = await startHarness(() => openSqliteControlPlane(join(dir, 'tessera.db'), { guardUnitsOfWork: true }));
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('authorization of every route', () => accessSuite(() => h));
  describe('workflow', () => workflowSuite(() => h));
  describe('input', () => inputSuite(() => h));
  describe('synthesized policies', () => policySuite(() => h));
  describe('app profiles, environments and the loop\'s artifacts', () => artifactSuite(() => h));
  describe('deployments referencing stored documents', () => deploymentSuite(() => h));
});

describe('rate limit', () => {
  it('answers 429 problems past the limit for one token', async () => {
    const h = await startHarness(() => openSqliteControlPlane(':memory:'), { rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await h.call('GET', '/v1/fragments')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const r = await h.call('GET', '/v1/fragments');
      expect(r.body).toMatchObject({ status: 429, code: 'server/rate-limited' });
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      // Another token has its own budget.
      expect((await h.call('GET', '/v1/fragments', { as: 'dave' })).status).toBe(200);
      // Guessing secrets is limited too, before any scrypt is paid.
      const guess = `Bearer tk_0123456789abcdef.${'A'.repeat(43)}`;
      const guesses = [];
      for (let i = 0; i < 5; i++) guesses.push((await h.call('GET', '/v1/fragments', { authorization: guess })).status);
      expect(guesses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await h.close();
    }
  });
});

describe('decision audit', () => {
  it('records denied /v1/authorize decisions when configured, and no allowed ones at sample 0', async () => {
    const h = await startHarness(() => openSqliteControlPlane(':memory:'), { auditDecisions: { denied: true, allowedSample: 0 } });
    try {
      const policies = { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }] };
      const request = { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' };
      const before = (await h.store.audit.read(0, 1000)).length;
      await h.call('POST', '/v1/authorize', { as: 'svc', body: { request, policies } });
      await h.call('POST', '/v1/authorize/batch', { as: 'svc', body: { policies, requests: [request, { ...request, action: 's3:PutObject' }] } });
      const added = (await h.store.audit.read(0, 1000)).slice(before);
      expect(added.map((r) => [r.actor, r.action, r.outcome, (r.detail as { action: string }).action])).toEqual([['service/checkout', 'tessera:Authorize', 'denied', 's3:PutObject']]);
    } finally {
      await h.close();
    }
  });
});

describe('server-side context', () => {
  it('derives tessera: keys (network zone) before deciding', async () => {
    const contextEnricher = createContextEnricher({ network: { zones: [{ name: 'corporate', cidrs: ['10.0.0.0/8'] }], default: 'internet' } });
    const h = await startHarness(() => openSqliteControlPlane(':memory:'), { contextEnricher });
    try {
      const policies = { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'tessera:NetworkZone': 'corporate' } } }] }] };
      const request = (ip: string) => ({ principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SourceIp': ip } });
      const r = await h.call('POST', '/v1/authorize/batch', { as: 'svc', body: { policies, requests: [request('10.1.2.3'), request('192.0.2.7')] } });
      expect(r.body.decisions.map((d: { decision: string }) => d.decision)).toEqual(['Allow', 'ImplicitDeny']);
    } finally {
      await h.close();
    }
  });
});

describe('adaptation-loop events on SQLite', () => {
  const bus = new EventBus();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => openSqliteControlPlane(':memory:'), { events: bus });
  });
  afterAll(async () => {
    await h?.close();
  });
  eventSuite(() => h, () => h, () => bus);
});
