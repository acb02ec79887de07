import { beforeAll, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/support/catalog.js';
import type { ServiceCatalog } from '../policy/index.js';
import { policyFindings, type FindingKind } from './findings.js';

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const kinds = (input: string, catalog?: ServiceCatalog): FindingKind[] => policyFindings(input, catalog === undefined ? {} : { catalog }).findings.map((f) => f.kind);

let catalog: ServiceCatalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

describe('policy findings', () => {
  it('a narrow read policy has none and a low risk score', () => {
    const r = policyFindings(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }), { catalog });
    expect(r.findings).toEqual([]);
    expect(r.riskScore).toBe(0);
  });

  it('service-wide and global wildcards, with severity by breadth', () => {
    const r = policyFindings(doc({ Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::reports/*' }, { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }));
    const wild = r.findings.filter((f) => f.kind === 'service-wildcard');
    expect(wild.map((f) => f.severity)).toEqual(['medium', 'critical']);
    expect(wild[1]?.statements[0]?.sid).toBe('Everything');
    expect(r.riskScore).toBe(100);
  });

  it('Allow with NotAction', () => {
    expect(kinds(doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }))).toContain('not-action-allow');
  });

  it('`*` resources on write and permissions-management actions (from the AWS catalog)', () => {
    const write = policyFindings(doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }), { catalog }).findings;
    expect(write.map((f) => [f.kind, f.severity])).toEqual([['star-resource-write', 'medium']]);
    const pm = policyFindings(doc({ Effect: 'Allow', Action: 'kms:PutKeyPolicy', Resource: '*' }), { catalog }).findings;
    expect(pm.map((f) => [f.kind, f.severity])).toEqual([['star-resource-write', 'high']]);
    expect(kinds(doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }), catalog)).toEqual([]);
  });

  it('public principals in resource-based policies', () => {
    const open = doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::www/*' });
    expect(kinds(open)).toContain('public-principal');
    const org = doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::www/*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } });
    expect(kinds(org)).not.toContain('public-principal');
  });

  it('escalation paths, exactly: only when every action is granted past the denies', () => {
    const passAndRun = doc({ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' });
    const r = policyFindings(passAndRun);
    expect(r.findings.filter((f) => f.kind === 'escalation').map((f) => f.rule?.id)).toContain('iam-pass-role-ec2-run-instances');
    // The same grant with PassRole denied everywhere is no path.
    const denied = doc({ Effect: 'Allow', Action: ['iam:PassRole', 'ec2:RunInstances'], Resource: '*' }, { Effect: 'Deny', Action: 'iam:Pass*', Resource: '*' });
    expect(policyFindings(denied).findings.filter((f) => f.kind === 'escalation').map((f) => f.rule?.id)).not.toContain('iam-pass-role-ec2-run-instances');
    // A wildcard that covers the action counts.
    expect(policyFindings(doc({ Effect: 'Allow', Action: 'iam:Create*', Resource: '*' })).findings.some((f) => f.rule?.id === 'iam-create-policy-version')).toBe(true);
  });

  it('statements shadowed by a deny, and allows that others already cover', () => {
    const r = policyFindings(doc(
      { Sid: 'Dead', Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::a/*' },
      { Sid: 'Wide', Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::a/*' },
      { Sid: 'Narrow', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/x/*' },
      { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' },
    ));
    expect(r.findings.filter((f) => f.kind === 'shadowed-by-deny').map((f) => f.statements[0]?.sid)).toEqual(['Dead']);
    expect(r.findings.filter((f) => f.kind === 'redundant-allow').map((f) => f.statements[0]?.sid)).toEqual(['Narrow']);
  });

  it('a condition keeps a statement alive: conditional denies do not shadow', () => {
    const r = policyFindings(doc(
      { Sid: 'Alive', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ));
    expect(r.findings.map((f) => f.kind)).not.toContain('shadowed-by-deny');
  });
});
