import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsCatalog } from '../../aws-catalog/index.js';
import { parsePolicy, type PolicyDocument, type PolicyType, type ServiceCatalog } from '../../policy/index.js';
import { allEntries, classifyAccessLevel, effectivePermissions, type ActionEntry, type EffectivePermissions } from './index.js';

let catalog: ServiceCatalog;
beforeAll(async () => {
  catalog = await loadAwsCatalog(['s3', 'dynamodb', 'iam', 'kms', 'ec2']);
});

function doc(statements: readonly object[], policyType: PolicyType = 'identity'): PolicyDocument {
  const r = parsePolicy({ Version: '2012-10-17', Statement: statements }, { policyType });
  if (r.document === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.document;
}

function entry(e: EffectivePermissions, action: string): ActionEntry | undefined {
  return allEntries(e).find((a) => a.action.toLowerCase() === action.toLowerCase());
}

const BUCKET = 'arn:aws:s3:::reports';

describe('expansion', () => {
  it('expands s3:Get* on a bucket to exactly the catalog s3 Get* actions, by their real access levels', () => {
    const e = effectivePermissions({ identity: [doc([{ Effect: 'Allow', Action: 's3:Get*', Resource: BUCKET }])] }, catalog);
    const expected = [...(catalog.service('s3')?.actions.values() ?? [])].filter((a) => a.name.toLowerCase().startsWith('get'));
    expect(expected.length).toBeGreaterThan(20);
    const got = allEntries(e);
    expect(got.map((a) => a.action).sort()).toEqual(expected.map((a) => `s3:${a.name}`).sort());
    expect(e.services.map((s) => s.service)).toEqual(['s3']);
    const s3 = e.services[0];
    for (const a of expected) {
      const level = classifyAccessLevel(a.accessLevel);
      expect(s3?.levels[level].some((x) => x.action === `s3:${a.name}`)).toBe(true);
    }
    expect(e.total).toBe(expected.length);
    expect(got.every((a) => a.grants.length === 1 && JSON.stringify(a.grants[0]?.resources) === JSON.stringify([BUCKET]) && !a.conditional)).toBe(true);
    expect(s3?.risk).toEqual({ writeOnStar: 0, permissionsManagementOnStar: 0, indicator: 'low' });
  });

  it('classifies the combined catalog levels by their specific part', () => {
    expect(classifyAccessLevel('Tagging, Write')).toBe('Tagging');
    expect(classifyAccessLevel('Permissions management, Write')).toBe('Permissions management');
    expect(classifyAccessLevel('List')).toBe('List');
    const e = effectivePermissions({ identity: [doc([{ Effect: 'Allow', Action: ['iam:*', 's3:PutBucketTagging'], Resource: '*' }])] }, catalog);
    expect(entry(e, 'iam:AttachUserPolicy')?.accessLevel).toBe('Permissions management');
    expect(entry(e, 's3:PutBucketTagging')?.accessLevel).toBe('Tagging');
    const iam = e.services.find((s) => s.service === 'iam');
    expect(iam?.risk.indicator).toBe('high');
    expect(iam?.risk.permissionsManagementOnStar).toBe(iam?.totals['Permissions management']);
    expect(iam?.risk.writeOnStar).toBe(iam?.totals.Write);
  });

  it('expands NotAction to every loaded action not listed, and reports coverage', () => {
    const e = effectivePermissions({ identity: [doc([{ Effect: 'Allow', NotAction: ['iam:*', 's3:DeleteBucket'], Resource: '*' }])] }, catalog);
    const loaded = ['dynamodb', 'ec2', 'iam', 'kms', 's3'];
    const expected = loaded.flatMap((p) => [...(catalog.service(p)?.actions.values() ?? [])].map((a) => `${p}:${a.name}`)).filter((a) => !a.startsWith('iam:') && a !== 's3:DeleteBucket');
    expect(allEntries(e).map((a) => a.action).sort()).toEqual(expected.sort());
    expect(e.coverage.servicesLoaded).toEqual(loaded);
    // Every service not loaded but iam is reached too (iam:* excludes it whole, and it is loaded anyway).
    expect(e.coverage.unloadedReachedByWildcards).toBe(catalog.servicePrefixes.length - loaded.length);
    expect(allEntries(e).every((a) => JSON.stringify(a.grants[0]?.resources) === '["*"]')).toBe(true);
  });

  it('reports services named but not loaded', () => {
    const e = effectivePermissions({ identity: [doc([{ Effect: 'Allow', Action: ['lambda:InvokeFunction', 's3:ListBucket', 'sqs:Send*'], Resource: '*' }])] }, catalog);
    expect(e.coverage.notLoadedButReferenced).toEqual(['lambda', 'sqs']);
    expect(e.coverage.unloadedReachedByWildcards).toBe(0);
    expect(e.total).toBe(1);
  });
});

describe('blends and denies', () => {
  const identity = doc([{ Sid: 'All', Effect: 'Allow', Action: ['s3:*', 'dynamodb:*'], Resource: '*' }]);

  it('keeps only what the boundary allows too, with both sides grants', () => {
    const boundary = doc([{ Sid: 'Reads', Effect: 'Allow', Action: ['s3:Get*', 'iam:*'], Resource: `${BUCKET}/*` }], 'boundary');
    const e = effectivePermissions({ identity: [identity], boundary }, catalog);
    expect(allEntries(e).every((a) => a.action.startsWith('s3:Get'))).toBe(true);
    const get = entry(e, 's3:GetObject');
    expect(get?.grants.map((g) => [g.side, g.statement.policy, g.statement.sid])).toEqual([
      ['identity', 'identity[0]', 'All'],
      ['boundary', 'boundary', 'Reads'],
    ]);
    expect(entry(e, 's3:PutObject')).toBeUndefined();
    expect(e.denied.find((d) => d.action === 's3:PutObject')?.reason).toBe('boundary');
    // The boundary's iam:* is no grant: the identity policies do not allow iam.
    expect(entry(e, 'iam:CreateUser')).toBeUndefined();
    expect(e.services[0]?.risk.indicator).toBe('low');
  });

  it('drops identity grants the boundary cannot meet on a common resource', () => {
    const id = doc([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::a/*' },
    ]);
    const boundary = doc([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }], 'boundary');
    const e = effectivePermissions({ identity: [id], boundary }, catalog);
    expect(entry(e, 's3:GetObject')?.grants.map((g) => g.resources)).toEqual([['arn:aws:s3:::b/*'], ['arn:aws:s3:::b/*']]);
    expect(entry(e, 's3:PutObject')).toBeUndefined();
    expect(e.denied.find((d) => d.action === 's3:PutObject')?.reason).toBe('boundary');
  });

  it('needs the session policy too', () => {
    const session = doc([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }], 'session');
    const e = effectivePermissions({ identity: [identity], session }, catalog);
    expect(allEntries(e).map((a) => a.action)).toEqual(['dynamodb:GetItem']);
    expect(e.denied.find((d) => d.action === 's3:GetObject')?.reason).toBe('session');
  });

  it('keeps an action under a conditional deny and lists the deny', () => {
    const deny = doc([{ Sid: 'OffNet', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 'tessera:NetworkZone': 'corporate' } } }]);
    const e = effectivePermissions({ identity: [identity, deny] }, catalog);
    const get = entry(e, 's3:GetObject');
    expect(get?.denies).toHaveLength(1);
    expect(get?.denies[0]?.statement).toEqual({ policy: 'identity[1]', index: 0, sid: 'OffNet' });
    expect(get?.denies[0]?.conditions.map((c) => c.text)).toEqual(['tessera:NetworkZone StringNotEquals corporate']);
    expect(get?.conditional).toBe(true);
    expect(entry(e, 'dynamodb:GetItem')?.denies).toEqual([]);
  });

  it('removes an action under an unconditional deny that covers its grants, and lists it as denied', () => {
    const deny = doc([
      { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:Delete*', Resource: '*' },
      { Sid: 'NoSecret', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/*' },
    ]);
    const e = effectivePermissions({ identity: [identity, deny] }, catalog);
    expect(entry(e, 's3:DeleteObject')).toBeUndefined();
    expect(e.denied.find((d) => d.action === 's3:DeleteObject')).toEqual({
      action: 's3:DeleteObject',
      accessLevel: 'Write',
      reason: 'explicit-deny',
      statements: [{ policy: 'identity[1]', index: 0, sid: 'NoDelete' }],
    });
    // A deny on part of the resources stays listed: the grant on * still reaches the rest.
    const get = entry(e, 's3:GetObject');
    expect(get?.denies.map((d) => d.statement.sid)).toEqual(['NoSecret']);
    expect(get?.conditional).toBe(false);
  });

  it('removes a grant scoped inside an unconditional deny', () => {
    const id = doc([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/*' },
      { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::secret/*' },
    ]);
    const e = effectivePermissions({ identity: [id] }, catalog);
    expect(e.total).toBe(0);
    expect(e.denied.map((d) => d.action)).toEqual(['s3:GetObject']);
  });

  it('keeps NotResource as {not} and a deny it cannot reach out of the entry', () => {
    const id = doc([
      { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/x' },
    ]);
    const e = effectivePermissions({ identity: [id] }, catalog);
    const get = entry(e, 's3:GetObject');
    expect(get?.grants[0]?.resources).toEqual({ not: ['arn:aws:s3:::secret/*'] });
    expect(get?.denies).toEqual([]);
  });
});
