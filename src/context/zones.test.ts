import { describe, expect, it } from 'vitest';
import { zoneProblem, zonesReferenced } from './zones.js';

const policy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports/${tessera:LocalDayOfWeek/Asia/Tokyo}/*',
      Condition: {
        NumericGreaterThanEquals: { 'tessera:LocalMinuteOfDay/Europe/Berlin': '540' },
        NumericLessThan: { 'tessera:localminuteofday/europe/berlin': '1050', 'tessera:LocalHour/America/Argentina/Buenos_Aires': '18' },
        StringEquals: { 'tessera:LocalDayOfWeek/Etc/GMT-2': ['Mon'], 'tessera:NetworkZone': 'corporate' },
      },
    },
  ],
};

describe('zonesReferenced', () => {
  it('finds the zones of local-time keys in policy JSON text, once per zone case-insensitively', () => {
    expect(zonesReferenced(JSON.stringify(policy, null, 2))).toEqual(['Asia/Tokyo', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT-2']);
  });

  it('reads JSON escapes as JSON does', () => {
    expect(zonesReferenced('{"Condition":{"NumericLessThan":{"tessera:LocalHour\\/Europe\\/Paris":"9"}}}')).toEqual(['Europe/Paris']);
  });

  it('takes parsed policies, lists of policies and key names', () => {
    expect(zonesReferenced(policy)).toEqual(['Asia/Tokyo', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT-2']);
    expect(zonesReferenced([policy, { Statement: [{ Condition: { Bool: { 'tessera:LocalHour/UTC': 'x' } } }] }])).toContain('UTC');
    expect(zonesReferenced(['tessera:LocalHour/Asia/Kolkata', 'aws:SourceIp', 'tessera:LocalDayOfWeek/Asia/Kolkata'])).toEqual(['Asia/Kolkata']);
    expect(zonesReferenced(new Set(['tessera:LocalMinuteOfDay/Europe/Berlin']))).toEqual(['Europe/Berlin']);
    expect(zonesReferenced('tessera:LocalHour/Europe/Berlin')).toEqual(['Europe/Berlin']);
  });

  it('scans text that is not JSON as it is, and returns zones as written, valid or not', () => {
    expect(zonesReferenced('{ broken "tessera:LocalHour/Mars/Olympus": 1')).toEqual(['Mars/Olympus']);
    expect(zonesReferenced('{"tessera:NetworkZone": "corporate", "tessera:LocalHour/": 1}')).toEqual([]);
  });
});

describe('zoneProblem', () => {
  it('accepts IANA names and aliases the runtime knows, in any case', () => {
    for (const z of ['Europe/Berlin', 'europe/berlin', 'UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires', 'US/Eastern', 'Asia/Calcutta']) {
      expect(zoneProblem(z), z).toBeUndefined();
    }
  });

  it('rejects unknown names and raw offsets, suggesting a close name', () => {
    expect(zoneProblem('Europe/Berln')?.help).toBe('did you mean `Europe/Berlin`?');
    expect(zoneProblem('Berlin')?.help).toBe('did you mean `Europe/Berlin`?');
    expect(zoneProblem('+02:00')?.message).toMatch(/not an IANA time zone/);
    expect(zoneProblem('')).toBeDefined();
    expect(zoneProblem(' Europe/Berlin')).toBeDefined();
  });
});
