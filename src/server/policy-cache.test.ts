import { describe, expect, it } from 'vitest';
import { PolicyCache } from './policy-cache.js';

const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('PolicyCache', () => {
  it('compiles a policy set once, whatever its key order', () => {
    const cache = new PolicyCache(4);
    const a = cache.get({ identity: [doc('s3:GetObject')], boundary: null });
    const b = cache.get({ boundary: null, identity: [{ Statement: [{ Resource: '*', Action: 's3:GetObject', Effect: 'Allow' }], Version: '2012-10-17' }] });
    expect(b.authorizer).toBe(a.authorizer);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('evicts the least recently used set', () => {
    const cache = new PolicyCache(2);
    const first = cache.get({ identity: [doc('a:A')] });
    cache.get({ identity: [doc('b:B')] });
    cache.get({ identity: [doc('a:A')] });
    cache.get({ identity: [doc('c:C')] });
    expect(cache.size).toBe(2);
    expect(cache.get({ identity: [doc('a:A')] }).authorizer).toBe(first.authorizer);
    cache.get({ identity: [doc('b:B')] });
    expect(cache.misses).toBe(4);
  });

  it('keeps the diagnostics of a set with errors', () => {
    const r = new PolicyCache().get({ identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Perhaps', Action: '*', Resource: '*' }] }] });
    expect(r.authorizer).toBeUndefined();
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});
