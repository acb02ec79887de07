import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsCatalog } from '../../aws-catalog/index.js';
import { parsePolicy, type PolicyDocument, type ServiceCatalog } from '../../policy/index.js';
import { allEntries, allowsResource, effectivePermissions, formatWhatIf, whatIfMatrix, type EffectiveInput, type EffectivePermissions, type NamedContext } from './index.js';

let catalog: ServiceCatalog;
beforeAll(async () => {
  catalog = await loadAwsCatalog(['s3', 'kms']);
});

function doc(statements: readonly object[]): PolicyDocument {
  const r = parsePolicy({ Version: '2012-10-17', Statement: statements }, { policyType: 'identity' });
  if (r.document === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.document;
}

const find = (e: EffectivePermissions, action: string) => allEntries(e).find((a) => a.action === action);

// The seed's example: sensitive data only from the corporate network on a managed device.
const SENSITIVE = doc([
  {
    Sid: 'SensitiveReads',
    Effect: 'Allow',
    Action: ['s3:GetObject', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'tessera:NetworkZone': 'corporate' }, Bool: { 'tessera:DeviceManaged': 'true' } },
  },
  { Sid: 'Listing', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reports', Condition: { StringLike: { 's3:prefix': 'public/*' } } },
  { Sid: 'OfficeHoursWrites', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::reports/*', Condition: { NumericGreaterThanEquals: { 'tessera:LocalHour/Europe/Berlin': '8' }, NumericLessThan: { 'tessera:LocalHour/Europe/Berlin': '18' } } },
  { Sid: 'NoTopSecret', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { NumericGreaterThan: { 'tessera:DataSensitivity': '3' } } },
]);
const INPUT: EffectiveInput = { identity: [SENSITIVE] };

describe('what-if context', () => {
  it('keeps every condition without a context', () => {
    const e = effectivePermissions(INPUT, catalog);
    expect(find(e, 's3:GetObject')?.grants[0]?.conditions.map((c) => c.text)).toEqual(['tessera:NetworkZone StringEquals corporate', 'tessera:DeviceManaged Bool true']);
    expect(find(e, 's3:GetObject')?.conditional).toBe(true);
    const put = find(e, 's3:PutObject');
    expect(put === undefined ? undefined : allowsResource(put, 'arn:aws:s3:::reports/a.csv')).toBe('conditional');
    expect(put === undefined ? undefined : allowsResource(put, 'arn:aws:s3:::other/a.csv')).toBe(false);
    expect(e.context).toBeUndefined();
  });

  it('drops the grant under internet or unmanaged and shows it unconditional under corporate+managed', () => {
    const internet = effectivePermissions(INPUT, catalog, { context: { 'tessera:NetworkZone': 'internet', 'tessera:DeviceManaged': 'true' } });
    expect(find(internet, 's3:GetObject')).toBeUndefined();
    const unmanaged = effectivePermissions(INPUT, catalog, { context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'false' } });
    expect(find(unmanaged, 's3:GetObject')).toBeUndefined();
    const good = effectivePermissions(INPUT, catalog, { context: { 'tessera:networkzone': 'corporate', 'tessera:DeviceManaged': 'true' } });
    const get = find(good, 's3:GetObject');
    expect(get?.grants[0]?.conditions).toEqual([]);
    expect(get?.conditional).toBe(false);
    // Keys the context does not carry stay as conditions.
    expect(find(good, 's3:ListBucket')?.grants[0]?.conditions.map((c) => c.key)).toEqual(['s3:prefix']);
    expect(find(good, 's3:PutObject')?.grants[0]?.conditions).toHaveLength(2);
    expect(find(good, 'kms:Decrypt')?.denies[0]?.conditions.map((c) => c.key)).toEqual(['tessera:DataSensitivity']);
  });

  it('only gates: a context never adds an action', () => {
    const open = new Set(allEntries(effectivePermissions(INPUT, catalog)).map((a) => a.action));
    const ctx = { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:LocalHour/Europe/Berlin': '10', 'tessera:DataSensitivity': '1', 's3:prefix': 'public/x' };
    const gated = allEntries(effectivePermissions(INPUT, catalog, { context: ctx }));
    expect(gated.every((a) => open.has(a.action))).toBe(true);
    expect(gated.every((a) => !a.conditional)).toBe(true);
  });

  it('does not let the placeholder caller settle principal keys the user did not give', () => {
    const p = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:username': 'alice' } } }]);
    const e = effectivePermissions({ identity: [p] }, catalog, { context: { 'tessera:NetworkZone': 'corporate' } });
    expect(find(e, 's3:GetObject')?.grants[0]?.conditions.map((c) => c.key)).toEqual(['aws:username']);
    const asBob = effectivePermissions({ identity: [p] }, catalog, { context: {}, principal: 'arn:aws:iam::111122223333:user/bob' });
    expect(find(asBob, 's3:GetObject')).toBeUndefined();
    const asAlice = effectivePermissions({ identity: [p] }, catalog, { context: {}, principal: 'arn:aws:iam::111122223333:user/alice' });
    expect(find(asAlice, 's3:GetObject')?.conditional).toBe(false);
  });

  it('settles a conditional deny: lifted when false, removing when true', () => {
    const low = effectivePermissions(INPUT, catalog, { context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:DataSensitivity': '2' } });
    expect(find(low, 'kms:Decrypt')?.denies).toEqual([]);
    const high = effectivePermissions(INPUT, catalog, { context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:DataSensitivity': '4' } });
    expect(find(high, 'kms:Decrypt')).toBeUndefined();
    expect(high.denied.map((d) => [d.action, d.reason])).toEqual([['kms:Decrypt', 'explicit-deny']]);
  });
});

describe('what-if matrix', () => {
  const contexts: NamedContext[] = [
    { name: 'corp+managed', context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true' } },
    { name: 'corp+unmanaged', context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'false' } },
    { name: 'internet+managed', context: { 'tessera:NetworkZone': 'internet', 'tessera:DeviceManaged': 'true' } },
    { name: 'office-hours', context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:LocalHour/Europe/Berlin': '10' } },
    { name: 'night', context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:LocalHour/Europe/Berlin': '23' } },
    { name: 'sensitivity-4', context: { 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:DataSensitivity': '4' } },
  ];

  it('lists per context the effective actions and the ones that differ', () => {
    const m = whatIfMatrix(INPUT, catalog, contexts);
    expect(m.columns.map((c) => c.actions)).toEqual([
      ['kms:Decrypt', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
      ['s3:ListBucket', 's3:PutObject'],
      ['s3:ListBucket', 's3:PutObject'],
      ['kms:Decrypt', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
      ['kms:Decrypt', 's3:GetObject', 's3:ListBucket'],
      ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
    ]);
    expect(m.rows.map((r) => [r.action, ...r.cells])).toEqual([
      ['kms:Decrypt', 'conditional', 'absent', 'absent', 'conditional', 'conditional', 'absent'],
      ['s3:GetObject', 'allowed', 'absent', 'absent', 'allowed', 'allowed', 'allowed'],
      ['s3:PutObject', 'conditional', 'conditional', 'conditional', 'allowed', 'absent', 'conditional'],
    ]);
    // kms:Decrypt is a Write action in the Service Authorization Reference.
    expect(m.columns[0]?.totals).toEqual({ List: 1, Read: 1, Write: 2, 'Permissions management': 0, Tagging: 0 });
    const text = formatWhatIf(m);
    expect(text).toContain('corp+managed: 4 actions (1 List, 1 Read, 2 Write)');
    expect(text).toMatch(/s3:PutObject\s+conditional\s+conditional\s+conditional\s+allowed\s+absent\s+conditional\n/);
  });
});
