import { describe, expect, it } from 'vitest';
import { deviceKeys } from './device.js';
import { compileContextConfig, createContextEnricher } from './providers.js';
import type { DevicePosture } from './types.js';

const alice = 'arn:aws:iam::111122223333:user/alice';
const enricher = createContextEnricher({
  devices: {
    idKey: 'aws:PrincipalTag/DeviceId',
    records: {
      'LAPTOP-1': { managed: true, type: 'laptop', compliant: true },
      'PHONE-7': { managed: false, type: 'mobile' },
    },
  },
});
const enrich = (context: Record<string, string> = {}, inputs = {}) => enricher.enrich({ principal: alice, action: 's3:GetObject', resource: '*', context }, inputs);

describe('device posture keys', () => {
  it('maps a record to Bool and String keys; a field left out gives no key', () => {
    expect(deviceKeys({ managed: true, type: 'laptop', compliant: false })).toEqual({ 'tessera:DeviceManaged': 'true', 'tessera:DeviceType': 'laptop', 'tessera:DeviceCompliant': 'false' });
    expect(deviceKeys({ managed: false })).toEqual({ 'tessera:DeviceManaged': 'false' });
    expect(deviceKeys({})).toEqual({});
  });

  it('looks the device up by the id in the configured context key (any spelling)', () => {
    expect(enrich({ 'aws:PrincipalTag/DeviceId': 'LAPTOP-1' }).derived).toEqual({ 'tessera:DeviceManaged': 'true', 'tessera:DeviceType': 'laptop', 'tessera:DeviceCompliant': 'true' });
    expect(enrich({ 'aws:principaltag/deviceid': 'PHONE-7' }).derived).toEqual({ 'tessera:DeviceManaged': 'false', 'tessera:DeviceType': 'mobile' });
  });

  it('prefers inputs: a record passed in, then an id passed in, then the context key', () => {
    const posture: DevicePosture = { managed: false, compliant: false };
    expect(enrich({ 'aws:PrincipalTag/DeviceId': 'LAPTOP-1' }, { device: posture, deviceId: 'PHONE-7' }).derived).toEqual({ 'tessera:DeviceManaged': 'false', 'tessera:DeviceCompliant': 'false' });
    expect(enrich({ 'aws:PrincipalTag/DeviceId': 'LAPTOP-1' }, { deviceId: 'PHONE-7' }).derived['tessera:DeviceType']).toBe('mobile');
  });

  it('derives nothing for no device or an unknown device, saying so for an unknown id', () => {
    expect(enrich().derived).toEqual({});
    expect(enrich().diagnostics).toEqual([]);
    const r = enrich({ 'aws:PrincipalTag/DeviceId': 'STOLEN-9' });
    expect(r.derived).toEqual({});
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'context/unknown-device', severity: 'info', path: 'context.aws:PrincipalTag/DeviceId' })]);
    expect(enrich({ 'aws:PrincipalTag/DeviceId': 'laptop-1' }).derived).toEqual({}); // ids compare exactly
  });

  it('keeps only the well-typed fields of a record passed in', () => {
    const r = enrich({}, { device: { managed: 'true', type: 'laptop', compliant: true, colour: 'red' } as unknown as DevicePosture });
    expect(r.derived).toEqual({ 'tessera:DeviceType': 'laptop', 'tessera:DeviceCompliant': 'true' });
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['context/invalid-device', 'inputs.device.managed'], ['context/invalid-device', 'inputs.device.colour']]);
  });

  it('reports malformed configured records as errors', () => {
    const { enricher: e, diagnostics } = compileContextConfig({ devices: { records: { a: { managed: 'yes' }, b: 'laptop', c: { type: '' } }, idKey: 7 } });
    expect(e).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['context/invalid-device', 'devices.records.a.managed'],
      ['context/invalid-device', 'devices.records.b'],
      ['context/invalid-device', 'devices.records.c.type'],
      ['context/invalid-config', 'devices.idKey'],
    ]);
  });
});
