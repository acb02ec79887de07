/** Creating a token outside a request: the first central-admin token of a fresh store, and tests. */
import type { ControlPlaneStore, Role } from '../store/index.js';
import { newToken } from './tokens.js';

export async function createToken(
  store: ControlPlaneStore,
  spec: { principal: string; role: Role; team?: string | null; createdBy?: string; at: Date },
): Promise<{ id: string; token: string }> {
  const t = await newToken();
  // The token and its audit record commit together (issue 8), as every change through the server does.
  await store.transaction(async (tx) => {
    await tx.tokens.addToken({
      id: t.id, principal: spec.principal, role: spec.role, team: spec.team ?? null, secretHash: t.secretHash,
      createdAt: spec.at.toISOString(), createdBy: spec.createdBy ?? 'system/bootstrap', revokedAt: null,
    });
    await tx.audit.append({ at: spec.at.toISOString(), actor: spec.createdBy ?? 'system/bootstrap', action: 'tessera:ManageTokens', resource: `trn:tessera:token/${t.id}`, outcome: 'changed', detail: { op: 'create', principal: spec.principal, role: spec.role } });
  });
  return { id: t.id, token: t.token };
}
