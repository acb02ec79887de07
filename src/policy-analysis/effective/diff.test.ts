import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsCatalog } from '../../aws-catalog/index.js';
import { parsePolicy, type PolicyDocument, type ServiceCatalog } from '../../policy/index.js';
import { diffEffective, effectivePermissions, formatDiff, formatEffective } from './index.js';

let catalog: ServiceCatalog;
beforeAll(async () => {
  catalog = await loadAwsCatalog(['s3', 'iam']);
});

function doc(statements: readonly object[]): PolicyDocument {
  const r = parsePolicy({ Version: '2012-10-17', Statement: statements }, { policyType: 'identity' });
  if (r.document === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.document;
}

const eff = (statements: readonly object[]) => effectivePermissions({ identity: [doc(statements)] }, catalog);

describe('diffEffective', () => {
  it('shows an added action as added', () => {
    const before = eff([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }]);
    const after = eff([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::reports/*' }]);
    const d = diffEffective(before, after);
    expect(d.added.map((a) => a.action)).toEqual(['s3:PutObject']);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(diffEffective(after, before).removed.map((a) => a.action)).toEqual(['s3:PutObject']);
  });

  it('shows a narrowed resource as changed, in stable order', () => {
    const before = eff([{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::*' }]);
    const after = eff([{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::reports/*' }]);
    const d = diffEffective(before, after);
    expect(d.changed.map((c) => c.action)).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(d.changed[0]?.before.grants[0]?.resources).toEqual(['arn:aws:s3:::*']);
    expect(d.changed[0]?.after.grants[0]?.resources).toEqual(['arn:aws:s3:::reports/*']);
    expect(formatDiff(d)).toBe(
      [
        '~ s3:GetObject [Read]',
        '    before:',
        '      allow identity[0]:#0 on arn:aws:s3:::*',
        '    after:',
        '      allow identity[0]:#0 on arn:aws:s3:::reports/*',
        '~ s3:PutObject [Write]',
        '    before:',
        '      allow identity[0]:#0 on arn:aws:s3:::*',
        '    after:',
        '      allow identity[0]:#0 on arn:aws:s3:::reports/*',
        '0 added, 0 removed, 2 changed',
        '',
      ].join('\n'),
    );
  });

  it('counts a new condition or deny as a change, a renamed or reordered statement not', () => {
    const base = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    const before = eff([base]);
    expect(diffEffective(before, eff([{ ...base, Sid: 'Renamed' }, { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }])).changed).toEqual([]);
    const conditioned = eff([{ ...base, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }]);
    expect(diffEffective(before, conditioned).changed.map((c) => c.action)).toEqual(['s3:GetObject']);
    const denied = eff([base, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::secret/*' }]);
    expect(diffEffective(before, denied).changed.map((c) => c.action)).toEqual(['s3:GetObject']);
    expect(formatDiff(diffEffective(before, before))).toBe('No change in effective permissions.\n0 added, 0 removed, 0 changed\n');
  });
});

describe('formatEffective', () => {
  it('prints services, levels and shared grants once per group', () => {
    const e = effectivePermissions(
      {
        identity: [
          doc([
            { Sid: 'Reports', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectAcl', 's3:ListBucket'], Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] },
            { Sid: 'Admin', Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { StringEquals: { 'tessera:NetworkZone': 'corporate' } } },
            { Sid: 'NoDelete', Effect: 'Deny', Action: ['s3:DeleteObject', 's3:GetObjectAcl'], Resource: '*' },
            { Effect: 'Allow', Action: ['s3:DeleteObject', 'lambda:InvokeFunction'], Resource: '*' },
          ]),
        ],
      },
      catalog,
    );
    expect(formatEffective(e)).toBe(
      [
        'Effective permissions: 3 actions (1 List, 1 Read, 1 Permissions management)',
        'Catalog: 2 services loaded; not loaded but referenced: lambda',
        '',
        'AWS Identity and Access Management (IAM) (iam): 1 action (1 Permissions management); risk high: 0 Write, 1 Permissions management on *',
        '  Permissions management (1)',
        '    AttachUserPolicy',
        '      allow identity[0]:Admin on * if tessera:NetworkZone StringEquals corporate',
        '',
        'Amazon S3 (s3): 2 actions (1 List, 1 Read); risk low: 0 Write, 0 Permissions management on *',
        '  List (1)',
        '    ListBucket',
        '      allow identity[0]:Reports on arn:aws:s3:::reports, arn:aws:s3:::reports/*',
        '  Read (1)',
        '    GetObject',
        '      allow identity[0]:Reports on arn:aws:s3:::reports, arn:aws:s3:::reports/*',
        '',
        'Not effective (2):',
        '  s3:DeleteObject: denied by identity[0]:NoDelete',
        '  s3:GetObjectAcl: denied by identity[0]:NoDelete',
        '',
      ].join('\n'),
    );
  });

  it('groups many actions with identical grants into one wrapped block', () => {
    const e = eff([{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::reports/*' }]);
    const text = formatEffective(e);
    expect(text.match(/allow identity\[0\]:#0 on arn:aws:s3:::reports\/\*/g)?.length).toBeLessThanOrEqual(5);
    expect(text.split('\n').every((l) => l.length <= 100)).toBe(true);
  });
});
