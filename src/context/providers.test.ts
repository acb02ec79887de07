import { describe, expect, it } from 'vitest';
import type { AuthorizationRequest } from '../policy/index.js';
import { InvalidContextConfigError } from './diagnostics.js';
import { compileContextConfig, createContextEnricher } from './providers.js';
import { validateContextConfig } from './config.js';

const config = {
  timeZones: ['Europe/Berlin', 'America/New_York'],
  network: { zones: [{ name: 'corporate', cidrs: ['10.0.0.0/8'] }], default: 'internet' },
  devices: { records: { 'LAPTOP-1': { managed: true, type: 'laptop', compliant: true } }, idKey: 'aws:PrincipalTag/DeviceId' },
  sensitivity: { resources: [{ pattern: 'arn:aws:s3:::reports/*', level: 'internal' }] },
  workloads: { records: { 'arn:aws:iam::111122223333:user/alice': { riskTier: 'low' } } },
} as const;
const enricher = createContextEnricher(config);
const base: AuthorizationRequest = {
  principal: 'arn:aws:iam::111122223333:user/alice',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::reports/q3.csv',
  context: { 'aws:CurrentTime': '2026-07-01T07:15:00Z', 'aws:SourceIp': '10.1.2.3', 'aws:PrincipalTag/DeviceId': 'LAPTOP-1' },
};
const withContext = (context: Record<string, string | string[]>): AuthorizationRequest => ({ ...base, context });

describe('createContextEnricher', () => {
  it('adds every derivable key to a new request and leaves the input alone', () => {
    const before = JSON.stringify(base);
    const r = enricher.enrich(base);
    expect(r.derived).toEqual({
      'tessera:LocalHour/Europe/Berlin': '9',
      'tessera:LocalMinuteOfDay/Europe/Berlin': '555',
      'tessera:LocalDayOfWeek/Europe/Berlin': 'Wed',
      'tessera:LocalHour/America/New_York': '3',
      'tessera:LocalMinuteOfDay/America/New_York': '195',
      'tessera:LocalDayOfWeek/America/New_York': 'Wed',
      'tessera:NetworkZone': 'corporate',
      'tessera:DeviceManaged': 'true',
      'tessera:DeviceType': 'laptop',
      'tessera:DeviceCompliant': 'true',
      'tessera:DataSensitivity': '1',
      'tessera:WorkloadRiskTier': 'low',
    });
    expect(r.request).not.toBe(base);
    expect(r.request.context).toEqual({ ...base.context, ...r.derived });
    expect(r.diagnostics).toEqual([]);
    expect(JSON.stringify(base)).toBe(before);
    expect(enricher.timeZones).toEqual(['Europe/Berlin', 'America/New_York']);
  });

  it('adds no key whose input is missing, and guesses none', () => {
    const r = enricher.enrich({ principal: 'arn:aws:iam::111122223333:user/bob', action: 's3:ListAllMyBuckets', resource: '*' });
    expect(r.derived).toEqual({});
    expect(r.request.context).toEqual({});
    expect(r.diagnostics).toEqual([]);
  });

  it('reports inputs it cannot read and derives nothing from them', () => {
    const r = enricher.enrich(withContext({ 'aws:CurrentTime': '2026-07-01', 'aws:SourceIp': ['10.1.2.3', '192.0.2.1'] }));
    expect(Object.keys(r.derived)).toEqual(['tessera:DataSensitivity', 'tessera:WorkloadRiskTier']);
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['context/invalid-current-time', 'context.aws:CurrentTime'],
      ['context/multi-valued-input', 'context.aws:SourceIp'],
    ]);
    expect(enricher.enrich(withContext({ 'aws:SourceIp': 'not-an-ip' })).diagnostics[0]?.code).toBe('context/invalid-source-ip');
    expect(enricher.enrich(withContext({ 'aws:SourceIp': ['192.0.2.1'] })).derived['tessera:NetworkZone']).toBe('internet');
    expect(enricher.enrich(withContext({ 'aws:SourceIp': [] })).derived['tessera:NetworkZone']).toBeUndefined();
  });

  it('reads input keys case-insensitively, as the authorizer does', () => {
    const r = enricher.enrich(withContext({ 'AWS:currenttime': '2026-07-01T07:15:00Z', 'aws:sourceip': '192.0.2.1' }));
    expect(r.derived['tessera:LocalHour/Europe/Berlin']).toBe('9');
    expect(r.derived['tessera:NetworkZone']).toBe('internet');
  });
});

describe('caller-supplied tessera: keys', () => {
  it('are never overwritten, in any spelling; a differing derived value is a warning', () => {
    const r = enricher.enrich(withContext({ ...base.context, 'tessera:networkzone': 'vpn', 'tessera:DeviceManaged': 'TRUE', 'tessera:LocalMinuteOfDay/Europe/Berlin': '555.0' }));
    expect(r.request.context?.['tessera:networkzone']).toBe('vpn');
    expect(r.request.context).not.toHaveProperty('tessera:NetworkZone');
    expect(r.derived).not.toHaveProperty('tessera:NetworkZone');
    expect(r.derived).not.toHaveProperty('tessera:DeviceManaged');
    // Values the operators would compare as equal (Bool case, 555 = 555.0) are not reported.
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'context/caller-value-differs', severity: 'warning', path: 'context.tessera:networkzone', message: expect.stringContaining('"corporate"') }),
    ]);
  });

  it('win even as an empty list', () => {
    const r = enricher.enrich(withContext({ ...base.context, 'tessera:NetworkZone': [] }));
    expect(r.request.context?.['tessera:NetworkZone']).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['context/caller-value-differs']);
  });

  it('are not reported when no provider could derive them', () => {
    const r = enricher.enrich(withContext({ 'tessera:DeviceManaged': 'false', 'tessera:WorkloadRiskScore': '10', 'tessera:DataSensitivity': '1' }));
    expect(r.request.context?.['tessera:DeviceManaged']).toBe('false');
    expect(r.derived).toEqual({ 'tessera:WorkloadRiskTier': 'low' });
    expect(r.diagnostics).toEqual([]);
  });

  it('that Tessera does not define are reported with a suggestion', () => {
    const r = enricher.enrich(withContext({ 'tessera:NetworkZones': 'corporate', 'tessera:LocalHours/Europe/Berlin': '9', 'Tessera:Whatever': 'x', 'tessera:LocalHour/Asia/Tokyo': '3' }));
    expect(r.diagnostics.map((d) => [d.path, d.help])).toEqual([
      ['context.tessera:NetworkZones', 'did you mean `tessera:NetworkZone`?'],
      ['context.tessera:LocalHours/Europe/Berlin', 'did you mean `tessera:LocalHour/Europe/Berlin`?'],
      ['context.Tessera:Whatever', expect.stringContaining('design.md')],
    ]);
  });
});

describe('configuration', () => {
  it('accepts an empty configuration: only inputs passed per request derive keys', () => {
    const e = createContextEnricher({});
    expect(e.enrich(base).derived).toEqual({});
    expect(e.enrich(base, { device: { managed: true } }).derived).toEqual({ 'tessera:DeviceManaged': 'true' });
    expect(compileContextConfig(undefined).enricher).toBeDefined();
  });

  it('collects every error, builds no enricher, and createContextEnricher throws them all', () => {
    const bad = { timeZones: ['Europe/Berln'], network: { zones: [{ name: 'corporate', cidrs: ['10.0.0.0/33'] }] }, colour: 'blue' };
    const { enricher: e, diagnostics } = compileContextConfig(bad);
    expect(e).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['context/invalid-config', 'context/invalid-zone', 'context/invalid-cidr']);
    expect(validateContextConfig(bad)).toEqual(diagnostics);
    expect(() => createContextEnricher(bad as never)).toThrow(InvalidContextConfigError);
    try {
      createContextEnricher(bad as never);
    } catch (err) {
      expect((err as InvalidContextConfigError).diagnostics).toHaveLength(3);
      expect((err as Error).message).toMatch(/colour/);
    }
    expect(compileContextConfig([]).diagnostics[0]?.code).toBe('context/invalid-config');
  });

  it('keeps warnings on a usable enricher', () => {
    const { enricher: e, diagnostics } = compileContextConfig({ timeZones: ['UTC', 'utc'], network: { zones: [{ name: 'corporate', cidrs: ['10.1.0.0/8'] }] } });
    expect(diagnostics.map((d) => d.code)).toEqual(['context/duplicate-zone', 'context/cidr-host-bits']);
    expect(e?.diagnostics).toEqual(diagnostics);
    expect(e?.enrich(withContext({ 'aws:SourceIp': '10.200.0.1' })).derived['tessera:NetworkZone']).toBe('corporate');
  });
});
