import { describe, expect, it } from 'vitest';
import { createContextEnricher } from '../context/index.js';
import { createBlend } from './blend.js';

// Seed 004's example: sensitive data only from the corporate network on a managed device. The
// boundary allows reading the data lake; the synthesized policy reads it, but restricted data
// only under context; a deny guards deletion everywhere.
const ACCOUNT = '111122223333';
const boundary = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::lake', 'arn:aws:s3:::lake/*'] },
    { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
  ],
};
const synthesized = [{
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Everyday', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lake/*', Condition: { NumericLessThanEquals: { 'tessera:DataSensitivity': '1' } } },
    {
      Sid: 'SensitiveFromTheOffice', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lake/*',
      Condition: { NumericGreaterThanEquals: { 'tessera:DataSensitivity': '2' }, StringEquals: { 'tessera:NetworkZone': 'corporate' }, Bool: { 'tessera:DeviceManaged': 'true' } },
    },
    // Outside the boundary: context must never make this effective.
    { Sid: 'OutsideBoundary', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::lake/*', Condition: { StringEquals: { 'tessera:NetworkZone': 'corporate' } } },
    { Sid: 'DeleteFromOffice', Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::lake/*' },
  ],
}];
const enricher = createContextEnricher({
  network: { zones: [{ name: 'corporate', cidrs: ['10.0.0.0/8', '2001:db8:c0::/48'] }], default: 'internet' },
  devices: { idKey: 'aws:PrincipalTag/DeviceId', records: { 'LAPTOP-1': { managed: true, type: 'laptop' }, 'BYOD-2': { managed: false, type: 'mobile' } } },
  sensitivity: { resources: [{ pattern: 'arn:aws:s3:::lake/*', level: 'internal' }, { pattern: 'arn:aws:s3:::lake/hr/*', level: 'restricted' }] },
});
const blend = createBlend({ synthesized, boundary }, enricher);

function read(key: string, ip: string, device: string, action = 's3:GetObject') {
  return blend.authorize({ principal: `arn:aws:iam::${ACCOUNT}:user/ana`, action, resource: `arn:aws:s3:::lake/${key}`, context: { 'aws:SourceIp': ip, 'aws:PrincipalTag/DeviceId': device } });
}

describe('blending: boundary ∩ synthesized, gated by context', () => {
  it('sensitive data only from the corporate network on a managed device', () => {
    const office = read('hr/salaries.csv', '10.1.2.3', 'LAPTOP-1');
    expect(office.decision.decision).toBe('Allow');
    expect(office.derived).toMatchObject({ 'tessera:NetworkZone': 'corporate', 'tessera:DeviceManaged': 'true', 'tessera:DataSensitivity': '3' });
    expect(read('hr/salaries.csv', '10.1.2.3', 'BYOD-2').decision.decision).toBe('ImplicitDeny');
    expect(read('hr/salaries.csv', '203.0.113.9', 'LAPTOP-1').decision.decision).toBe('ImplicitDeny');
    expect(read('hr/salaries.csv', '2001:db8:c0::5', 'LAPTOP-1').decision.decision).toBe('Allow');
  });

  it('everyday data from anywhere', () => {
    expect(read('sales/q3.csv', '203.0.113.9', 'BYOD-2').decision.decision).toBe('Allow');
  });

  it('context never adds a permission outside the boundary', () => {
    const put = read('sales/q3.csv', '10.1.2.3', 'LAPTOP-1', 's3:PutObject');
    expect(put.decision.decision).toBe('ImplicitDeny');
    expect(put.decision.implicitDeny?.policyType).toBe('boundary');
  });

  it('an explicit deny anywhere wins over every allow', () => {
    const del = read('sales/q3.csv', '10.1.2.3', 'LAPTOP-1', 's3:DeleteObject');
    expect(del.decision.decision).toBe('ExplicitDeny');
  });

  it('a key the statement needs but nobody could derive is reported, not silently absent', () => {
    const noDevice = blend.authorize({ principal: `arn:aws:iam::${ACCOUNT}:user/ana`, action: 's3:GetObject', resource: 'arn:aws:s3:::lake/hr/salaries.csv', context: { 'aws:SourceIp': '10.1.2.3' } });
    expect(noDevice.decision.decision).toBe('ImplicitDeny');
    expect(noDevice.decision.missingContextKeys.map((k) => k.toLowerCase())).toContain('tessera:devicemanaged');
  });

  it('caller inputs (device posture) take part like derived keys', () => {
    const r = blend.authorize({ principal: `arn:aws:iam::${ACCOUNT}:user/ana`, action: 's3:GetObject', resource: 'arn:aws:s3:::lake/hr/x', context: { 'aws:SourceIp': '10.9.9.9' } }, { device: { managed: true } });
    expect(r.decision.decision).toBe('Allow');
  });
});
