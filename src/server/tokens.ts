/**
 * API tokens: `tk_<id>.<secret>`. The id is public (it names the token in the store, the audit log
 * and the rate limiter); the 32-byte secret is shown once and kept only as a scrypt hash,
 * `scrypt$N$r$p$salt$hash` (base64), so a copy of the database does not hand out credentials.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const TOKEN = /^(tk_[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;
const KEY_LENGTH = 32;
/** 2^14 with r=8 costs ~16 MiB and tens of milliseconds: slow for guessing, fine once per token per cache period. */
export const DEFAULT_SCRYPT = { N: 16384, r: 8, p: 1 } as const;

export interface NewToken {
  id: string;
  /** The whole bearer token; returned once to its owner, never stored. */
  token: string;
  secretHash: string;
}

function scryptAsync(secret: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keylen, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

export async function hashSecret(secret: string, params: { N: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, KEY_LENGTH, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time comparison of the secret with a stored hash; false for a malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scryptAsync(secret, salt, KEY_LENGTH, { N, r, p });
  return timingSafeEqual(actual, expected);
}

export async function newToken(params?: { N: number; r: number; p: number }): Promise<NewToken> {
  const id = `tk_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${id}.${secret}`, secretHash: await hashSecret(secret, params) };
}

/** Splits a bearer token into id and secret; undefined when it is not one of ours. */
export function parseToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  return m === null ? undefined : { id: m[1] as string, secret: m[2] as string };
}

/** The token from an `Authorization: Bearer ...` header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? undefined : m[1];
}

/** The cache key of a whole token: its SHA-256, so the cache never holds secrets in the clear. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
