import { describe, expect, it } from 'vitest';
import { FragmentExistsError, FragmentNotFoundError, InvalidQueryError, InvalidTransitionError, StaleStatusError } from '../fragments/index.js';
import { ArtifactMismatchError, ControlPlaneStoreFailureError, PlanNotFoundError, RiskProfileNotFoundError, StaleImageError, StaleRevisionError, TokenExistsError } from '../store/index.js';
import { mapError } from './error-mapper.js';
import { ProblemError } from './problem.js';

describe('mapError', () => {
  it.each([
    [new FragmentNotFoundError('x'), 404, 'fragment-store/not-found'],
    [new FragmentExistsError('x'), 409, 'fragment-store/exists'],
    [new StaleStatusError({ id: 'x', version: 1 }, 'draft', 'approved'), 412, 'fragment-store/stale-status'],
    [new InvalidTransitionError({ id: 'x', version: 1 }, 'approve', 'draft', 'no'), 409, 'fragment-store/invalid-transition'],
    [new InvalidQueryError('bad limit'), 400, 'fragment-store/invalid-query'],
    [new TokenExistsError('tk_1'), 409, 'control-plane-store/token-exists'],
    [new StaleImageError('d', 'a', 'b'), 409, 'control-plane-store/stale-image'],
    [new StaleRevisionError('app', 'web', 1, 2), 412, 'control-plane-store/stale-revision'],
    [new PlanNotFoundError('sha256:x'), 404, 'control-plane-store/plan-not-found'],
    [new RiskProfileNotFoundError('web', 3), 404, 'control-plane-store/risk-profile-not-found'],
    [new ArtifactMismatchError('image', 'sha256:x'), 409, 'control-plane-store/artifact-mismatch'],
    [new ProblemError(428, 'server/if-match-required', 'x'), 428, 'server/if-match-required'],
  ])('%s → %i', (e, status, code) => {
    expect(mapError(e)).toMatchObject({ problem: { status, code }, internal: false });
  });

  it('maps Fastify client errors', () => {
    expect(mapError(Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).problem.status).toBe(413);
    expect(mapError(Object.assign(new Error('nope'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 })).problem.status).toBe(415);
    expect(mapError(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 })).problem.code).toBe('server/malformed-json');
    const v = mapError(Object.assign(new Error('body must NOT have additional properties'), { validation: [{ instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'x' } }], validationContext: 'body' }));
    expect(v.problem).toMatchObject({ status: 400, message: 'body: unknown field `x`' });
  });

  it('says nothing about internals for anything else', () => {
    for (const e of [new Error('connect ECONNREFUSED 10.0.0.5:5432'), new ControlPlaneStoreFailureError('disk I/O error at /var/lib/x'), 'a string', null]) {
      const m = mapError(e);
      expect(m.internal).toBe(true);
      expect(m.problem.status).toBe(500);
      expect(m.problem.message).not.toMatch(/ECONNREFUSED|disk|var/);
    }
  });
});
