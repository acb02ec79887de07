/**
 * Authentication: who a bearer token acts as. scrypt makes each verification cost tens of
 * milliseconds on purpose, so verified tokens are remembered, keyed by the SHA-256 of the whole
 * token (a wrong secret has another digest and is verified afresh). A remembered token is checked
 * against the store again at most every `recheckMs` (a read by id, no scrypt): revoking through
 * this server drops it at once, and a revocation on another node takes effect here within that
 * second, where it used to wait for the whole cache period.
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
  /** The stored hash the secret was verified against: a changed row is verified afresh. */
  secretHash: string;
  checkedAt: number;
  /** The store read under way, shared by the requests that find the entry due. */
  checking?: Promise<boolean>;
}

export interface TokenVerifierOptions {
  /** How long a verified token is trusted without reading its row again (default 1 s). */
  recheckMs?: number;
  /** At most this many cached tokens (default 10,000); the oldest go first. */
  maxEntries?: number;
}

const unauthorized = (detail: string) => new ProblemError(401, 'server/unauthorized', detail, undefined, { 'www-authenticate': 'Bearer realm="tessera"' });

export class TokenVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly recheckMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly tokens: TokenStore,
    private readonly now: () => number,
    options: TokenVerifierOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The caller of an `Authorization` header; a 401 ProblemError without a valid, unrevoked token. */
  async authenticate(header: string | undefined): Promise<Caller> {
    const token = bearerToken(header);
    if (token === undefined) throw unauthorized('send `Authorization: Bearer tk_<id>.<secret>`');
    const digest = tokenDigest(token);
    const hit = this.cache.get(digest);
    // A remembered token whose row changed is forgotten and verified afresh below.
    if (hit !== undefined && (this.now() - hit.checkedAt < this.recheckMs || (await this.stillValid(digest, hit)))) return hit.caller;
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
    this.cache.set(digest, { caller, secretHash: record.secretHash, checkedAt: this.now() });
    return caller;
  }

  /** Reads the token's row again: still there, unrevoked and with the hash it was verified against. */
  private stillValid(digest: string, entry: Entry): Promise<boolean> {
    entry.checking ??= (async () => {
      try {
        const record = await this.tokens.getToken(entry.caller.tokenId);
        const valid = record !== undefined && record.revokedAt === null && record.secretHash === entry.secretHash;
        if (valid) entry.checkedAt = this.now();
        else if (this.cache.get(digest) === entry) this.cache.delete(digest);
        return valid;
      } finally {
        entry.checking = undefined;
      }
    })();
    return entry.checking;
  }

  /** Forgets every cached verification of the token (called on revoke). */
  forget(tokenId: string): void {
    for (const [digest, entry] of this.cache) if (entry.caller.tokenId === tokenId) this.cache.delete(digest);
  }
}

export function callerFromRecord(record: ApiTokenRecord): Caller {
  return { tokenId: record.id, principal: record.principal, role: record.role, team: record.team };
}
