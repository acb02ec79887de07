/** End to end: enrich requests, then decide them with the real authorizer. */
import { describe, expect, it } from 'vitest';
import { createAuthorizer, type AuthorizationRequest } from '../policy/index.js';
import { createContextEnricher } from './providers.js';
import { zonesReferenced } from './zones.js';

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Sid: 'OfficeHoursFromManagedDevicesOnTheCorporateNetwork',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports/*',
    Condition: {
      NumericGreaterThanEquals: { 'tessera:LocalMinuteOfDay/Europe/Berlin': '540' }, // 09:00
      NumericLessThan: { 'tessera:LocalMinuteOfDay/Europe/Berlin': '1050' }, // 17:30
      StringEquals: { 'tessera:LocalDayOfWeek/Europe/Berlin': ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], 'tessera:NetworkZone': 'corporate' },
      Bool: { 'tessera:DeviceManaged': 'true' },
    },
  }],
}, null, 2);

const authorizer = createAuthorizer({ identity: [policy] });
const enricher = createContextEnricher({
  timeZones: zonesReferenced(policy), // exactly what the policy needs
  network: { zones: [{ name: 'corporate', cidrs: ['10.0.0.0/8', '2001:db8:c0::/48'] }, { name: 'vpn', cidrs: ['100.64.0.0/10'] }], default: 'internet' },
  devices: { idKey: 'aws:PrincipalTag/DeviceId', records: { 'LAPTOP-1': { managed: true, type: 'laptop' }, 'BYOD-2': { managed: false, type: 'mobile' } } },
});

interface Case { time?: string; ip?: string; device?: string }
function decide({ time = '2026-07-01T10:00:00Z', ip = '10.1.2.3', device = 'LAPTOP-1' }: Case) {
  const context: Record<string, string> = { 'aws:SourceIp': ip, 'aws:PrincipalTag/DeviceId': device };
  if (time !== '') context['aws:CurrentTime'] = time;
  const request: AuthorizationRequest = { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.csv', context };
  return authorizer.authorize(enricher.enrich(request).request);
}

describe('office hours in Berlin, corporate network, managed device', () => {
  it('derives only the zone the policy references', () => {
    expect(enricher.timeZones).toEqual(['Europe/Berlin']);
  });

  it('allows inside the window and denies outside it, in Berlin time across DST', () => {
    const cases: [string, string][] = [
      ['2026-07-01T07:00:00Z', 'Allow'], // Wed 09:00 CEST: first minute
      ['2026-07-01T06:59:59Z', 'ImplicitDeny'], // Wed 08:59:59 CEST
      ['2026-07-01T15:29:59Z', 'Allow'], // Wed 17:29:59 CEST
      ['2026-07-01T15:30:00Z', 'ImplicitDeny'], // Wed 17:30 CEST
      ['2026-01-07T08:00:00Z', 'Allow'], // Wed 09:00 CET (same UTC time is 10:00 in summer)
      ['2026-01-07T07:59:00Z', 'ImplicitDeny'], // Wed 08:59 CET
      ['2026-01-07T16:29:00Z', 'Allow'], // Wed 17:29 CET
      ['2026-07-04T10:00:00Z', 'ImplicitDeny'], // Saturday
      ['2026-07-05T10:00:00Z', 'ImplicitDeny'], // Sunday
      ['2026-07-06T07:00:00+00:00', 'Allow'], // Monday, offset written out
      ['2026-03-30T07:00:00Z', 'Allow'], // Monday after the spring change: 09:00 CEST
      ['2026-03-27T07:30:00Z', 'ImplicitDeny'], // Friday before it: 08:30 CET
    ];
    for (const [time, expected] of cases) expect(decide({ time }).decision, time).toBe(expected);
  });

  it('needs the corporate network', () => {
    expect(decide({ ip: '10.200.0.9' }).decision).toBe('Allow');
    expect(decide({ ip: '2001:db8:c0:1::5' }).decision).toBe('Allow');
    expect(decide({ ip: '100.64.1.1' }).decision).toBe('ImplicitDeny'); // vpn
    expect(decide({ ip: '203.0.113.5' }).decision).toBe('ImplicitDeny'); // internet
  });

  it('needs a managed device; an unknown device is not guessed', () => {
    expect(decide({ device: 'BYOD-2' }).decision).toBe('ImplicitDeny');
    const unknown = decide({ device: 'NOPE' });
    expect(unknown.decision).toBe('ImplicitDeny');
    expect(unknown.missingContextKeys).toContain('tessera:DeviceManaged');
  });

  it('without aws:CurrentTime: ImplicitDeny, and the time key is reported missing', () => {
    const d = decide({ time: '' });
    expect(d.decision).toBe('ImplicitDeny');
    expect(d.missingContextKeys).toContain('tessera:LocalMinuteOfDay/Europe/Berlin');
  });

  it('a caller-supplied key wins over the derived one (and is reported)', () => {
    const request: AuthorizationRequest = {
      principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.csv',
      context: { 'aws:CurrentTime': '2026-07-01T10:00:00Z', 'aws:SourceIp': '203.0.113.5', 'aws:PrincipalTag/DeviceId': 'LAPTOP-1', 'tessera:NetworkZone': 'corporate' },
    };
    const r = enricher.enrich(request);
    expect(r.diagnostics.map((x) => x.code)).toEqual(['context/caller-value-differs']);
    expect(authorizer.authorize(r.request).decision).toBe('Allow');
  });
});
