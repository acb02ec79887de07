/**
 * The `/v1/authorize` body parser: a policy set compiled before is recognised by its text and not
 * parsed again, and nothing about what a body means changes. Over HTTP on a real port (SQLite
 * store), and on a bare Fastify instance with a real PolicyCache to see which path a body took.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteControlPlane } from '../../store/index.js';
import { PolicyCache } from '../policy-cache.js';
import { startHarness, type Harness } from '../testing/harness.js';
import { parseAuthorizeBodies } from './authorize-body.js';

const allow = { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }] };
const deny = { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] }] };
const request = { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.csv' };
const body = (policiesText: string, rest = `"request":${JSON.stringify(request)}`) => `{${rest},"policies":${policiesText}}`;

describe('the /v1/authorize body parser over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => openSqliteControlPlane(':memory:'));
  });
  afterAll(async () => {
    await h.close();
  });
  const decide = async (raw: string, path = '/v1/authorize') => h.call('POST', path, { as: 'svc', raw, headers: { 'content-type': 'application/json' } });

  it('decides a repeated set as the first time, whatever its spelling', async () => {
    const pretty = JSON.stringify(allow, null, 2);
    for (const text of [JSON.stringify(allow), JSON.stringify(allow), pretty, pretty]) {
      const r = await decide(body(text));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.decision).toBe('Allow');
    }
    const b = await decide(`{"policies":${pretty},"requests":[${JSON.stringify(request)},${JSON.stringify({ ...request, action: 's3:PutObject' })}]}`, '/v1/authorize/batch');
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect((b.body.decisions as { decision: string }[]).map((d) => d.decision)).toEqual(['Allow', 'ImplicitDeny']);
  });

  it('follows JSON.parse where a known set is followed by another `policies` (the last one counts)', async () => {
    await decide(body(JSON.stringify(allow)));
    const r = await decide(`{"request":${JSON.stringify(request)},"policies":${JSON.stringify(allow)},"policies":${JSON.stringify(deny)}}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.decision).toBe('ExplicitDeny');
    const escaped = await decide(`{"request":${JSON.stringify(request)},"policies":${JSON.stringify(allow)},"polic\\u0069es":${JSON.stringify(deny)}}`);
    expect(escaped.body.decision).toBe('ExplicitDeny');
  });

  it('still validates the rest of a body whose set is known, and still refuses prototype poisoning', async () => {
    const known = JSON.stringify(allow);
    await decide(body(known));
    const unknownField = await decide(body(known, `"request":${JSON.stringify({ ...request, admin: true })}`));
    expect(unknownField.status).toBe(400);
    const poisoned = await decide(body(known, `"request":${JSON.stringify(request)},"__proto__":{"x":1}`));
    expect(poisoned.status).toBe(400);
    const broken = await decide(`${body(known)} trailing`);
    expect(broken.status).toBe(400);
  });

  it('answers a known set with errors with its errors again', async () => {
    const bad = JSON.stringify({ identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Perhaps', Action: '*', Resource: '*' }] }] });
    for (let i = 0; i < 2; i++) {
      const r = await decide(body(bad));
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('server/invalid-policies');
    }
  });
});

describe('parseAuthorizeBodies', () => {
  it('parses a known set no more, and caches a new one under the text the client sent', async () => {
    const cache = new PolicyCache();
    const app = Fastify();
    const seen: { fromParser: boolean; policies: unknown }[] = [];
    await app.register(async (scope) => {
      const bodies = parseAuthorizeBodies(scope, cache);
      scope.post('/', async (req) => {
        const text = bodies.policiesTextOf(req);
        const compiled = bodies.compiledFor(req) ?? cache.get((req.body as { policies: typeof allow }).policies, text);
        seen.push({ fromParser: bodies.compiledFor(req) !== undefined, policies: (req.body as { policies: unknown }).policies });
        return { compiled: compiled.authorizer !== undefined };
      });
    });
    const send = (payload: string) => app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'application/json' } });
    const text = JSON.stringify(allow, null, 1);
    expect((await send(body(text))).json()).toEqual({ compiled: true });
    expect((await send(body(text))).json()).toEqual({ compiled: true });
    // Same set, other text: a miss of the text, a hit of the canonical key (no second compile).
    expect((await send(body(JSON.stringify(allow)))).json()).toEqual({ compiled: true });
    expect(seen.map((s) => s.fromParser)).toEqual([false, true, false]);
    expect(seen[1]?.policies).toEqual({});
    expect(seen[2]?.policies).toEqual(allow);
    expect([cache.misses, cache.size]).toEqual([1, 1]);
    await app.close();
  });
});
