import { describe, expect, it } from 'vitest';
import { TokenVerifier } from './authn.js';
import { bearerToken, hashSecret, newToken, parseToken, tokenDigest, verifySecret } from './tokens.js';
import type { ApiTokenRecord, TokenStore } from '../store/index.js';

describe('API tokens', () => {
  it('are tk_<id>.<secret> with a scrypt hash that verifies only the secret', async () => {
    const t = await newToken();
    expect(t.token).toMatch(/^tk_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(t.secretHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(t.secretHash).not.toContain(t.token.split('.')[1]);
    const parts = parseToken(t.token);
    expect(parts?.id).toBe(t.id);
    expect(await verifySecret(parts?.secret ?? '', t.secretHash)).toBe(true);
    // One character changed (to another one: a random secret ends in `A` one time in 64).
    const secret = parts?.secret ?? '';
    const changed = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(changed).not.toBe(secret);
    expect(await verifySecret(changed, t.secretHash)).toBe(false);
  });

  it('salts every hash and refuses malformed ones', async () => {
    expect(await hashSecret('s')).not.toBe(await hashSecret('s'));
    for (const bad of ['', 'plain', 'scrypt$x$8$1$AA==$AA==', 'scrypt$16384$8$1$AA==$AA==', 'bcrypt$1$2$3$4$5']) expect(await verifySecret('s', bad)).toBe(false);
  });

  it('reads bearer headers and refuses other token shapes', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(parseToken('tk_0123.short')).toBeUndefined();
    expect(parseToken(`tk_0123456789abcdef.${'a'.repeat(43)}`)).toEqual({ id: 'tk_0123456789abcdef', secret: 'a'.repeat(43) });
    expect(tokenDigest('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

// A narrowly scoped stand-in for the token table: what is under test is the verifier's cache.
function countingTokens(record: ApiTokenRecord): TokenStore & { reads: number } {
  const store = {
    reads: 0,
    addToken: async () => undefined,
    listTokens: async () => [record],
    revokeToken: async () => true,
    getToken: async (id: string) => {
      store.reads++;
      return id === record.id ? record : undefined;
    },
  };
  return store;
}

describe('TokenVerifier', () => {
  it('pays scrypt once per token, reads its row again at most every recheck period, and forgets revoked tokens', async () => {
    const t = await newToken();
    const record: ApiTokenRecord = { id: t.id, principal: 'service/a', role: 'service', team: null, secretHash: t.secretHash, createdAt: 'x', createdBy: 'y', revokedAt: null };
    const tokens = countingTokens(record);
    let clock = 0;
    const v = new TokenVerifier(tokens, () => clock, { recheckMs: 1000 });
    for (let i = 0; i < 5; i++) expect((await v.authenticate(`Bearer ${t.token}`)).principal).toBe('service/a');
    expect(tokens.reads).toBe(1);
    await expect(v.authenticate(`Bearer ${t.id}.${'B'.repeat(43)}`)).rejects.toMatchObject({ status: 401 });
    expect(tokens.reads).toBe(2);
    // Due: concurrent requests share one read of the row.
    clock = 2000;
    await Promise.all([1, 2, 3].map(() => v.authenticate(`Bearer ${t.token}`)));
    expect(tokens.reads).toBe(3);
    v.forget(t.id);
    record.revokedAt = 'now';
    await expect(v.authenticate(`Bearer ${t.token}`)).rejects.toMatchObject({ status: 401, code: 'server/unauthorized' });
  });

  it('sees a revocation made on another node within the recheck period', async () => {
    const t = await newToken();
    const record: ApiTokenRecord = { id: t.id, principal: 'service/a', role: 'service', team: null, secretHash: t.secretHash, createdAt: 'x', createdBy: 'y', revokedAt: null };
    let clock = 0;
    const v = new TokenVerifier(countingTokens(record), () => clock, { recheckMs: 1000 });
    await v.authenticate(`Bearer ${t.token}`);
    record.revokedAt = 'elsewhere'; // no forget(): this node did not revoke it
    clock = 999;
    expect((await v.authenticate(`Bearer ${t.token}`)).principal).toBe('service/a');
    clock = 1000;
    await expect(v.authenticate(`Bearer ${t.token}`)).rejects.toMatchObject({ status: 401 });
    // And it stays refused (the entry is gone; a fresh verification sees the revocation).
    clock = 1001;
    await expect(v.authenticate(`Bearer ${t.token}`)).rejects.toMatchObject({ status: 401 });
  });
});
