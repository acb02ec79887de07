/** API tokens over Kysely (dialect-neutral). Only the secret's scrypt hash is stored. */
import type { Selectable } from 'kysely';
import { CorruptControlPlaneStoreError, ROLES, TokenExistsError } from './control-plane-errors.js';
import type { ApiTokenRecord, Role, TokenStore } from './control-plane-port.js';
import type { ControlPlaneDb } from './control-plane-db.js';
import type { ApiTokensTable } from './schema.js';

export class KyselyTokenStore implements TokenStore {
  constructor(private readonly cp: ControlPlaneDb) {}

  addToken(record: ApiTokenRecord): Promise<void> {
    return this.cp.tx('addToken', async (trx) => {
      const inserted = await trx
        .insertInto('api_tokens')
        .values({
          id: record.id,
          principal: record.principal,
          role: record.role,
          team: record.team,
          secret_hash: record.secretHash,
          created_at: record.createdAt,
          created_by: record.createdBy,
          revoked_at: record.revokedAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n) throw new TokenExistsError(record.id);
    });
  }

  getToken(id: string): Promise<ApiTokenRecord | undefined> {
    return this.cp.tx('getToken', async (trx) => {
      const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toToken(row);
    });
  }

  listTokens(): Promise<ApiTokenRecord[]> {
    return this.cp.tx('listTokens', async (trx) => (await trx.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute()).map(toToken));
  }

  revokeToken(id: string, at: string): Promise<boolean> {
    return this.cp.tx('revokeToken', async (trx) => {
      const updated = await trx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    });
  }
}

function toToken(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  if (!(ROLES as readonly string[]).includes(row.role)) throw new CorruptControlPlaneStoreError(`token \`${row.id}\` has an unknown role \`${row.role}\``);
  return {
    id: row.id,
    principal: row.principal,
    role: row.role as Role,
    team: row.team,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  };
}
