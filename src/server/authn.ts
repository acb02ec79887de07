/**
 * Authentication: who a bearer token acts as. scrypt makes each verification cost tens of
 * milliseconds on purpose, so verified tokens are remembered for a short time, keyed by the
 * SHA-256 of the whole token (a wrong secret has another digest and is verified afresh).
 * Revoking through this server drops the token at once; a revocation on another node takes
 * effect here when the entry expires (`ttlMs`).
 */
import type { ApiTokenRecord, Role, TokenStore } from '../store/index.js';
import { ProblemError } from './problem.js';
import { bearerToken, parseToken, tokenDigest, verifySecret } from './tokens.js';

/** The authenticated caller of a request. */
export interface Caller {
  tokenId: string;
  principal: string;
  role: Role;
  team: string | null;
}

interface Entry {
  caller: Caller;
  expires: number;
}

export interface TokenVerifierOptions {
  /** How long a verified token is trusted without looking at the store again (default 30 s). */
  ttlMs?: number;
  /** At most this many cached tokens (default 10,000); the oldest go first. */
  maxEntries?: number;
}

const unauthorized = (detail: string) => new ProblemError(401, 'server/unauthorized', detail, undefined, { 'www-authenticate': 'Bearer realm="tessera"' });

export class TokenVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly tokens: TokenStore,
    private readonly now: () => number,
    options: TokenVerifierOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The caller of an `Authorization` header; a 401 ProblemError without a valid, unrevoked token. */
  async authenticate(header: string | undefined): Promise<Caller> {
    const token = bearerToken(header);
    if (token === undefined) throw unauthorized('send `Authorization: Bearer tk_<id>.<secret>`');
    const digest = tokenDigest(token);
    const hit = this.cache.get(digest);
    if (hit !== undefined && hit.expires > this.now()) return hit.caller;
    if (hit !== undefined) this.cache.delete(digest);
    const parts = parseToken(token);
    if (parts === undefined) throw unauthorized('the token is not a Tessera API token');
    const record = await this.tokens.getToken(parts.id);
    // One answer for unknown, revoked and wrong secrets: a caller learns nothing about which.
    if (record === undefined || record.revokedAt !== null || !(await verifySecret(parts.secret, record.secretHash))) {
      throw unauthorized('the token is unknown, revoked or wrong');
    }
    const caller = callerFromRecord(record);
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(digest, { caller, expires: this.now() + this.ttlMs });
    return caller;
  }

  /** Forgets every cached verification of the token (called on revoke). */
  forget(tokenId: string): void {
    for (const [digest, entry] of this.cache) if (entry.caller.tokenId === tokenId) this.cache.delete(digest);
  }
}

export function callerFromRecord(record: ApiTokenRecord): Caller {
  return { tokenId: record.id, principal: record.principal, role: record.role, team: record.team };
}
