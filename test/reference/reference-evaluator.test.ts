/**
 * Hand-written cases for the reference interpreter's matching and decision flow
 * (docs/semantics.md, "Matching a statement" and "Deciding a request"), plus a check that the
 * random scenario generator yields every decision often. Condition cases are in
 * reference-conditions.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicySetInput } from '../../src/policy/request.js';
import { referenceDecide } from './reference-evaluator.js';
import { finiteUniverse, scenarioArbitrary } from './scenario-arbitraries.js';
import type { Json } from './reference-test-helpers.js';
import { A, ADMIN_ROLE, ADMIN_SESSION, ALICE, B, CAROL, ROOT, allowAll, decide, denyAll, doc } from './reference-test-helpers.js';

const identityAllows = (statement: Json, request: Parameters<typeof decide>[0] = {}): boolean =>
  decide(request, { identity: [doc(statement)] }).decision === 'Allow';

describe('action and resource matching', () => {
  it('actions match case-insensitively, * across the colon, ? exactly one character', () => {
    expect(identityAllows({ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: '*Object', Resource: '*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: 's3:?etObject', Resource: '*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: 's3:?GetObject', Resource: '*' })).toBe(false);
  });
  it('NotAction matches actions that none of its patterns matches', () => {
    expect(identityAllows({ Effect: 'Allow', NotAction: ['s3:Put*', 'sqs:*'], Resource: '*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', NotAction: 's3:Get*', Resource: '*' })).toBe(false);
  });
  it('resources match case-sensitively', () => {
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::BUCKET/*' })).toBe(false);
  });
  it('in an ARN pattern a wildcard stays in its field, except in the resource field', () => {
    const logGroup = { resource: `arn:aws:logs:us-east-1:${A}:log-group:app` };
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:logs:*:log-group:app' }, logGroup)).toBe(false);
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: `arn:aws:logs:us-east-1:${A}:*` }, logGroup)).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:*:logs:*:*:log-group:a?p' }, logGroup)).toBe(true);
  });
  it('a pattern that is not an ARN is a glob over the whole resource', () => {
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:sqs:*:queue-a' }, { resource: `arn:aws:sqs:us-east-1:${A}:queue-a` })).toBe(true);
  });
  it('"*" matches the resource "*"; an ARN pattern does not', () => {
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: '*' }, { resource: '*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: '*', Resource: 'arn:*:*:*:*:*' }, { resource: '*' })).toBe(false);
  });
  it('NotResource matches resources that none of its patterns matches', () => {
    expect(identityAllows({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::other/*' })).toBe(true);
    expect(identityAllows({ Effect: 'Allow', Action: '*', NotResource: ['arn:aws:s3:::other/*', 'arn:aws:s3:::bucket/*'] })).toBe(false);
  });
});

describe('principals in resource-based policies', () => {
  const grant = (principal: unknown, request: Parameters<typeof decide>[0] = {}) =>
    decide(request, { resource: doc({ Effect: 'Allow', Principal: principal, Action: '*', Resource: '*' }) }).decision;
  it('a user ARN, "*" and {"AWS": "*"} name the caller directly', () => {
    expect(grant({ AWS: ALICE })).toBe('Allow');
    expect(grant('*')).toBe('Allow');
    expect(grant({ AWS: '*' })).toBe('Allow');
    expect(grant({ AWS: CAROL })).toBe('ImplicitDeny');
  });
  it('wildcards inside a principal ARN are not wildcards', () => {
    expect(grant({ AWS: `arn:aws:iam::${A}:user/*` })).toBe('ImplicitDeny');
  });
  it('a role ARN matches its sessions (by role name, whatever the path)', () => {
    expect(grant({ AWS: ADMIN_ROLE }, { principal: ADMIN_SESSION })).toBe('Allow');
    expect(grant({ AWS: `arn:aws:iam::${A}:role/team/Admin` }, { principal: ADMIN_SESSION })).toBe('Allow');
    expect(grant({ AWS: `arn:aws:iam::${B}:role/Admin` }, { principal: ADMIN_SESSION })).toBe('ImplicitDeny');
  });
  it('a service principal is matched by {"Service": ...}', () => {
    expect(grant({ Service: 'lambda.amazonaws.com' }, { principal: 'lambda.amazonaws.com' })).toBe('Allow');
    expect(grant({ Service: 'events.amazonaws.com' }, { principal: 'lambda.amazonaws.com' })).toBe('ImplicitDeny');
  });
});

describe('NotPrincipal', () => {
  const denyExcept = (notPrincipal: unknown, extra: PolicySetInput = {}): string =>
    decide({ principal: ADMIN_SESSION }, {
      identity: [doc(allowAll())],
      resource: doc({ Effect: 'Deny', NotPrincipal: notPrincipal, Action: '*', Resource: '*' }),
      ...extra,
    }).decision;
  it('excludes the caller only when session, role and account are all listed', () => {
    expect(denyExcept({ AWS: [ADMIN_SESSION, ADMIN_ROLE, A] })).toBe('Allow');
    expect(denyExcept({ AWS: [ADMIN_SESSION, ADMIN_ROLE, `arn:aws:iam::${A}:root`] })).toBe('Allow');
    expect(denyExcept({ AWS: [ADMIN_ROLE, A] })).toBe('ExplicitDeny');
    expect(denyExcept({ AWS: [ADMIN_SESSION, ADMIN_ROLE] })).toBe('ExplicitDeny');
  });
  it('"*" covers every identity', () => {
    expect(denyExcept({ AWS: '*' })).toBe('Allow');
  });
  it('a Deny with NotPrincipal hits any principal that has a permissions boundary', () => {
    expect(denyExcept({ AWS: [ADMIN_SESSION, ADMIN_ROLE, A] }, { boundary: doc(allowAll()) })).toBe('ExplicitDeny');
  });
  it('the root user is covered by its account', () => {
    const d = decide({ principal: ROOT }, { resource: doc({ Effect: 'Deny', NotPrincipal: { AWS: A }, Action: '*', Resource: '*' }) });
    expect(d.decision).toBe('Allow');
  });
});

describe('deciding a request', () => {
  it('nothing allows: ImplicitDeny by identity', () => {
    expect(decide({}, {})).toEqual({ decision: 'ImplicitDeny', implicitDenyBy: 'identity', missingContextKeys: [] });
  });
  it('an explicit deny in any policy beats every allow', () => {
    expect(decide({}, { identity: [doc(allowAll(), denyAll())] }).decision).toBe('ExplicitDeny');
    expect(decide({}, { identity: [doc(allowAll())], scp: [[doc(allowAll(), denyAll())]] }).decision).toBe('ExplicitDeny');
    expect(decide({}, { identity: [doc(allowAll())], session: doc(denyAll()) }).decision).toBe('ExplicitDeny');
  });
  it('every SCP level must allow: the first level without an Allow is named', () => {
    const d = decide({}, { identity: [doc(allowAll())], scp: [[doc(allowAll())], [doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })], []] });
    expect(d).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'scp', implicitDenyLevel: 1 });
  });
  it('every RCP level must allow, checked before SCPs', () => {
    const d = decide({}, { identity: [doc(allowAll())], rcp: [[doc({ Effect: 'Deny', Principal: '*', NotAction: 's3:*', Resource: '*' })]], scp: [[]] });
    expect(d).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'rcp', implicitDenyLevel: 0 });
  });
  it('SCPs and RCPs (denies included) do not apply to service-linked roles or service principals', () => {
    const slr = `arn:aws:sts::${A}:assumed-role/AWSServiceRoleForSupport/x`;
    expect(decide({ principal: slr }, { identity: [doc(allowAll())], scp: [[doc(denyAll())]], rcp: [[]] }).decision).toBe('Allow');
    const service = { principal: 'lambda.amazonaws.com' };
    expect(decide(service, { resource: doc(allowAll({ Principal: { Service: 'lambda.amazonaws.com' } })), rcp: [[]], scp: [[]] }).decision).toBe('Allow');
  });
  it('a permissions boundary and a session policy limit identity-based permissions', () => {
    expect(decide({}, { identity: [doc(allowAll())], boundary: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'boundary' });
    expect(decide({}, { identity: [doc(allowAll())], boundary: [doc(allowAll())], session: [doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })] })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'session' });
    expect(decide({}, { identity: [doc(allowAll())], boundary: doc(allowAll()), session: doc(allowAll()) }).decision).toBe('Allow');
  });
  it('same account: a resource grant naming the user allows despite a boundary that does not', () => {
    const d = decide({}, { resource: doc(allowAll({ Principal: { AWS: ALICE } })), boundary: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) });
    expect(d.decision).toBe('Allow');
  });
  it("same account: a grant to the caller's role counts like an identity allow, limited by the boundary", () => {
    const policies = (boundary: Json): PolicySetInput => ({ resource: doc(allowAll({ Principal: { AWS: ADMIN_ROLE } })), boundary: doc(boundary) });
    expect(decide({ principal: ADMIN_SESSION }, policies(allowAll())).decision).toBe('Allow');
    expect(decide({ principal: ADMIN_SESSION }, policies({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }))).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'boundary' });
    expect(decide({ principal: ADMIN_SESSION }, { resource: doc(allowAll({ Principal: { AWS: ADMIN_SESSION } })), boundary: doc({ Effect: 'Deny', Action: 'sqs:*', Resource: '*' }) }).decision).toBe('Allow');
  });
  it('same account: a grant to the account only delegates to identity-based policies', () => {
    expect(decide({}, { resource: doc(allowAll({ Principal: { AWS: A } })) })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'identity' });
    expect(decide({}, { resource: doc(allowAll({ Principal: { AWS: `arn:aws:iam::${A}:root` } })), identity: [doc(allowAll())] }).decision).toBe('Allow');
  });
  it('cross-account: both the caller side and the resource policy must allow', () => {
    const cross = { principal: CAROL, resourceAccount: A };
    expect(decide(cross, { identity: [doc(allowAll())] })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'resource' });
    expect(decide(cross, { resource: doc(allowAll({ Principal: { AWS: CAROL } })) })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'identity' });
    expect(decide(cross, { identity: [doc(allowAll())], resource: doc(allowAll({ Principal: { AWS: B } })) }).decision).toBe('Allow');
    expect(decide(cross, { identity: [doc(allowAll())], resource: doc(allowAll({ Principal: '*' })), boundary: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }) })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'boundary' });
  });
  it('the root user has every identity-based permission, but SCPs and explicit denies still apply', () => {
    expect(decide({ principal: ROOT }, {}).decision).toBe('Allow');
    expect(decide({ principal: ROOT }, { scp: [[doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })]] })).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'scp', implicitDenyLevel: 0 });
    expect(decide({ principal: ROOT }, { identity: [doc(denyAll())] }).decision).toBe('ExplicitDeny');
    expect(decide({ principal: ROOT, resourceAccount: B }, {})).toMatchObject({ decision: 'ImplicitDeny', implicitDenyBy: 'resource' });
  });
  it('policies may be JSON text; malformed statements and policies are skipped', () => {
    expect(decide({}, { identity: [JSON.stringify(doc(allowAll()))] }).decision).toBe('Allow');
    expect(decide({}, { identity: ['{not json', doc({ Action: '*', Resource: '*' }), doc({ Effect: 'Allow', Action: '*' })] }).decision).toBe('ImplicitDeny');
    expect(decide({}, { identity: [doc(allowAll({ Principal: '*' }))] }).decision).toBe('ImplicitDeny');
    expect(decide({}, { identity: [doc(allowAll({ Condition: { StringEqualz: { k: 'v' } } }), allowAll())] }).decision).toBe('Allow');
  });
});

describe('missing context keys across the decision', () => {
  const cond = (key: string): Json => ({ StringEquals: { [key]: 'x' } });
  it('are reported from deny statements even when the decision is Allow', () => {
    const d = decide({}, { identity: [doc(allowAll(), denyAll({ Condition: cond('aws:SourceVpc') }))] });
    expect(d).toEqual({ decision: 'Allow', missingContextKeys: ['aws:SourceVpc'] });
  });
  it('are not reported from statements whose action, resource or principal does not match', () => {
    const d = decide({}, {
      identity: [doc(allowAll(), { Effect: 'Allow', Action: 'sqs:*', Resource: '*', Condition: cond('k:one') }, { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::x', Condition: cond('k:two') })],
      resource: doc(allowAll({ Principal: { AWS: CAROL }, Condition: cond('k:three') })),
    });
    expect(d.missingContextKeys).toEqual([]);
  });
  it('are not reported from steps that were not evaluated', () => {
    const d = decide({}, { identity: [doc(denyAll(), allowAll({ Condition: cond('k:allow') }))], scp: [[doc(allowAll({ Condition: cond('k:scp') }))]] });
    expect(d).toEqual({ decision: 'ExplicitDeny', missingContextKeys: [] });
  });
  it('are deduplicated case-insensitively (first spelling kept) and sorted', () => {
    // IfExists holds on the missing k:Zeta, so evaluation goes on to K:ALPHA.
    const first = { StringEqualsIfExists: { 'k:Zeta': 'x' }, StringLike: { 'K:ALPHA': 'x' } };
    const d = decide({}, { identity: [doc(allowAll({ Condition: first }), allowAll({ Condition: cond('k:zeta') }))] });
    expect(d.missingContextKeys).toEqual(['K:ALPHA', 'k:Zeta']);
  });
});

describe('random scenarios', () => {
  it('the universe is small and the generator covers every decision often', () => {
    expect(finiteUniverse.principals.length).toBeLessThan(20);
    const samples = fc.sample(scenarioArbitrary, { numRuns: 2000, seed: 20260301 });
    const counts = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
    for (const { request, policies } of samples) counts[referenceDecide(request, policies).decision] += 1;
    for (const kind of ['Allow', 'ExplicitDeny', 'ImplicitDeny'] as const) expect(counts[kind], JSON.stringify(counts)).toBeGreaterThanOrEqual(200);
  });
  it('is deterministic and never throws on generated scenarios', () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ request, policies }) => {
        expect(referenceDecide(request, policies)).toEqual(referenceDecide(request, policies));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

