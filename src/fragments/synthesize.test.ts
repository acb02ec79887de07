import { beforeAll, describe, expect, it } from 'vitest';
import { asVersion, catalogVersions } from '../../test/support/fragments.js';
import { Analyzer } from '../policy-analysis/index.js';
import { createAuthorizer } from '../policy/index.js';
import type { FragmentRef, FragmentVersion } from './model.js';
import { synthesize, type SynthesisRequest } from './synthesize.js';

const ACCOUNT = '111122223333';
const boundary = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Storage', Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 's3:Put*'], Resource: ['arn:aws:s3:::acme-*', 'arn:aws:s3:::acme-*/*'] },
    { Sid: 'Tables', Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/*` },
    { Sid: 'Logs', Effect: 'Allow', Action: 'logs:*', Resource: '*' },
    { Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' },
  ],
};

let versions: Map<string, FragmentVersion>;
const analyzer = new Analyzer();
beforeAll(() => {
  versions = catalogVersions();
});

function env(overrides: Record<string, FragmentVersion> = {}) {
  return { analyzer, resolve: (ref: FragmentRef) => overrides[ref.id] ?? (versions.get(ref.id)?.version === ref.version ? versions.get(ref.id) : undefined) };
}

const frag = (id: string, params: Record<string, string> = {}) => ({ ref: { id, version: 1 }, params });
const readReports = frag('s3-read-prefix', { bucket: 'acme-reports', prefix: 'finance/q3', account: ACCOUNT });
const readOrders = frag('dynamodb-read-table', { table: 'orders', region: 'us-east-1', account: ACCOUNT });
const codes = (r: ReturnType<typeof synthesize>) => r.diagnostics.map((d) => d.code);

describe('synthesis', () => {
  it('composes approved fragments into one policy proven within the boundary', () => {
    const r = synthesize({ fragments: [readReports, readOrders], boundary }, env());
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.containment?.verdict).toBe('contained');
    expect(r.policies).toHaveLength(1);
    expect(r.record?.fragments.map((f) => f.ref)).toEqual(['s3-read-prefix@1', 'dynamodb-read-table@1']);
    expect(r.record?.fragments[0]?.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.record?.resultHash).toMatch(/^sha256:/);
    // The result decides like the fragments it came from.
    const authz = createAuthorizer({ identity: r.policies ?? [] });
    const get = authz.authorize({ principal: `arn:aws:iam::${ACCOUNT}:user/ana`, action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/finance/q3/sales.csv', context: { 'aws:SecureTransport': 'true', 'aws:ResourceAccount': ACCOUNT } });
    expect(get.decision).toBe('Allow');
    const other = authz.authorize({ principal: `arn:aws:iam::${ACCOUNT}:user/ana`, action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/hr/salaries.csv', context: { 'aws:SecureTransport': 'true', 'aws:ResourceAccount': ACCOUNT } });
    expect(other.decision).toBe('ImplicitDeny');
  });

  it('is deterministic: the same inputs give the same record', () => {
    const a = synthesize({ fragments: [readReports, readOrders], boundary }, env());
    const b = synthesize({ fragments: [readReports, readOrders], boundary: JSON.stringify(boundary) }, env());
    expect(a.record?.resultHash).toBe(b.record?.resultHash);
    expect(a.record?.boundaryHash).toBe(b.record?.boundaryHash);
  });

  it('refuses access outside the boundary, with a counterexample the evaluator confirms', () => {
    const r = synthesize({ fragments: [frag('s3-write-prefix', { bucket: 'partner-drop', prefix: 'in', account: ACCOUNT })], boundary }, env());
    expect(codes(r)).toContain('synthesis/not-contained');
    expect(r.policies).toBeUndefined();
    const cx = r.containment?.counterexample;
    expect(cx?.resource).toContain('partner-drop');
    const d = r.diagnostics.find((x) => x.code === 'synthesis/not-contained');
    expect(d?.fragment).toContain('s3-write-prefix@1');
  });

  it("also stays within the delegator's own permissions", () => {
    const delegator = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }];
    const r = synthesize({ fragments: [readReports, readOrders], boundary, delegator }, env());
    expect(codes(r)).toContain('synthesis/not-contained');
    expect(r.containment?.verdict === 'not-contained' ? r.containment.region.refusedBy.within : -1).toBe(1);
    expect(r.diagnostics.find((x) => x.code === 'synthesis/not-contained')?.message).toContain("outside the delegator's own permissions");
  });

  it('lets a delegator who holds nothing delegate nothing (an empty list is not "unchecked")', () => {
    const r = synthesize({ fragments: [readReports], boundary, delegator: [] }, env());
    expect(codes(r)).toContain('synthesis/not-contained');
    expect(r.policies).toBeUndefined();
    expect(synthesize({ fragments: [readReports], boundary }, env()).policies).toBeDefined();
  });

  it("stays within the boundary on the delegator's own permissions too", () => {
    const delegator = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const onlyReports = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'] }] }];
    const within = synthesize({ fragments: [readReports], boundary, delegator, delegatorBoundaries: onlyReports }, env());
    expect(within.containment?.verdict, JSON.stringify(within.diagnostics)).toBe('contained');
    const r = synthesize({ fragments: [readOrders], boundary, delegator, delegatorBoundaries: onlyReports }, env());
    expect(r.containment?.verdict === 'not-contained' ? r.containment.region.refusedBy.within : -1).toBe(2);
    expect(r.diagnostics.find((x) => x.code === 'synthesis/not-contained')?.message).toContain("outside the boundary on the delegator's own permissions");
    // The record names what the proof was made against.
    expect(within.record?.delegatorHash).not.toBe(synthesize({ fragments: [readReports], boundary, delegator }, env()).record?.delegatorHash);
  });

  it('names conflicting fragments, exclusive groups and the risk budget', () => {
    const pass = frag('iam-pass-role-to-service', { roleName: 'app-role', account: ACCOUNT, service: 'lambda.amazonaws.com' });
    const create = frag('lambda-create-function', { functionPrefix: 'app', codeSigningConfigId: 'csc-0123456789abcdef0', roleName: 'app-role', region: 'us-east-1', account: ACCOUNT });
    expect(codes(synthesize({ fragments: [pass, create], boundary }, env()))).toContain('synthesis/conflict');
    const sensitive = frag('s3-read-sensitive-prefix', { bucket: 'acme-reports', prefix: 'hr', account: ACCOUNT });
    expect(codes(synthesize({ fragments: [readReports, sensitive], boundary }, env()))).toContain('synthesis/exclusive-group');
    const r = synthesize({ fragments: [readReports, readOrders], boundary, riskBudget: 10 }, env());
    expect(codes(r)).toContain('synthesis/risk-budget');
    expect(r.riskCost).toBeGreaterThan(10);
  });

  it('refuses a composition that forms a privilege-escalation path', () => {
    const update = frag('lambda-update-function-code', { functionName: 'billing', region: 'us-east-1', account: ACCOUNT });
    const wide = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const r = synthesize({ fragments: [update], boundary: wide }, env());
    expect(codes(r)).toContain('synthesis/escalation-path');
    expect(r.diagnostics.find((d) => d.code === 'synthesis/escalation-path')?.fragment).toContain('lambda-update-function-code@1');
  });

  it('checks lifecycle status: drafts refused, deprecated pinned versions warned', () => {
    const s3 = versions.get('s3-read-prefix') as FragmentVersion;
    expect(codes(synthesize({ fragments: [readReports], boundary }, env({ 's3-read-prefix': asVersion(s3.content, 'draft') })))).toContain('synthesis/not-usable');
    expect(codes(synthesize({ fragments: [readReports], boundary }, env({ 's3-read-prefix': asVersion(s3.content, 'archived') })))).toContain('synthesis/not-usable');
    const dep = synthesize({ fragments: [readReports], boundary }, env({ 's3-read-prefix': asVersion(s3.content, 'deprecated') }));
    expect(codes(dep)).toContain('synthesis/deprecated');
    expect(dep.policies).toBeDefined();
    expect(codes(synthesize({ fragments: [frag('no-such-fragment')], boundary }, env()))).toEqual(['synthesis/unknown-fragment']);
  });

  it('validates parameters: missing, unknown, pattern, and no smuggled wildcards', () => {
    const bad = (params: Record<string, string>) => codes(synthesize({ fragments: [frag('s3-read-prefix', params)], boundary }, env()));
    expect(bad({ bucket: 'acme-reports', prefix: 'x' })).toContain('synthesis/missing-parameter');
    expect(bad({ bucket: 'acme-reports', prefix: 'x', account: ACCOUNT, region: 'eu-west-1' })).toContain('synthesis/unknown-parameter');
    expect(bad({ bucket: 'Not_A_Bucket', prefix: 'x', account: ACCOUNT })).toContain('synthesis/invalid-parameter');
    expect(bad({ bucket: 'acme-*', prefix: 'x', account: ACCOUNT })).toContain('synthesis/wildcard-parameter');
    expect(bad({ bucket: 'acme-reports', prefix: '${aws:username}', account: ACCOUNT })).toContain('synthesis/wildcard-parameter');
  });

  it('merges statements: the same grant from two fragments appears once', () => {
    const twice = synthesize({ fragments: [readReports, frag('s3-list-bucket', { bucket: 'acme-reports', account: ACCOUNT })], boundary }, env());
    expect(twice.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const statements = (twice.policies?.[0]?.Statement ?? []) as { Action: unknown; Resource: unknown }[];
    const listGrants = statements.filter((s) => JSON.stringify(s.Action).includes('s3:ListBucket'));
    expect(listGrants.length).toBeLessThanOrEqual(2);
  });

  it('refuses an invalid boundary without analysing', () => {
    const r = synthesize({ fragments: [readReports], boundary: '{"Version": "2012-10-17", "Statement": {"Effect": "Perhaps"}}' } as SynthesisRequest, env());
    expect(codes(r)).toContain('synthesis/invalid-boundary');
  });
});
