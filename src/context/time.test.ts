import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from './diagnostics.js';
import { ZoneClock, compileTimeProvider, parseCurrentTime, timeKeysFor } from './time.js';

/** Hour, minute of day and weekday in a zone, as [hour, minuteOfDay, day]. */
function at(iso: string, zone: string): [number, number, string] {
  const k = timeKeysFor(iso, zone);
  if (k === undefined) throw new Error(`no keys for ${iso} in ${zone}`);
  return [Number(k[`tessera:LocalHour/${zone}`]), Number(k[`tessera:LocalMinuteOfDay/${zone}`]), k[`tessera:LocalDayOfWeek/${zone}`] as string];
}

describe('parseCurrentTime', () => {
  it('reads aws:CurrentTime as AWS sends it, and offsets, fractions and a space separator', () => {
    expect(parseCurrentTime('2026-03-29T01:00:00Z')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(parseCurrentTime('2026-03-29T03:00:00+02:00')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(parseCurrentTime('2026-03-28T20:00:00-0500')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(parseCurrentTime('2026-03-29T06:30+05:30')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(parseCurrentTime('2026-03-29 01:00:00.250Z')).toBe(Date.UTC(2026, 2, 29, 1) + 250);
    expect(parseCurrentTime('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseCurrentTime('0099-01-01T00:00:00Z')).toBe(new Date('0099-01-01T00:00:00Z').getTime());
  });

  it('reads nothing that does not name one instant', () => {
    for (const bad of ['2026-03-29', '2026-03-29T01:00:00', '1774746000', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', 'yesterday', '']) {
      expect(parseCurrentTime(bad), bad).toBeUndefined();
    }
  });
});

describe('local-time keys', () => {
  it('names the three keys with the zone as written', () => {
    expect(timeKeysFor('2026-07-01T07:15:00Z', 'Europe/Berlin')).toEqual({
      'tessera:LocalHour/Europe/Berlin': '9',
      'tessera:LocalMinuteOfDay/Europe/Berlin': '555',
      'tessera:LocalDayOfWeek/Europe/Berlin': 'Wed',
    });
    expect(Object.keys(timeKeysFor('2026-07-01T07:15:00Z', 'europe/berlin') ?? {})).toEqual([
      'tessera:LocalHour/europe/berlin', 'tessera:LocalMinuteOfDay/europe/berlin', 'tessera:LocalDayOfWeek/europe/berlin',
    ]);
    // An alias is its own key name (policies name it so), with the zone's rules.
    expect(at('2026-07-01T07:15:00Z', 'Asia/Calcutta')).toEqual(at('2026-07-01T07:15:00Z', 'Asia/Kolkata'));
  });

  it('derives nothing from an invalid zone or time', () => {
    expect(timeKeysFor('2026-07-01T07:15:00Z', 'Europe/Berln')).toBeUndefined();
    expect(timeKeysFor('2026-07-01T07:15:00Z', '+02:00')).toBeUndefined();
    expect(timeKeysFor('2026-07-01', 'Europe/Berlin')).toBeUndefined();
  });

  it('Europe/Berlin spring forward: 01:59:59 CET is followed by 03:00 CEST (hour 2 never occurs)', () => {
    expect(at('2026-03-29T00:59:59Z', 'Europe/Berlin')).toEqual([1, 119, 'Sun']);
    expect(at('2026-03-29T01:00:00Z', 'Europe/Berlin')).toEqual([3, 180, 'Sun']);
    expect(at('2026-03-28T23:59:59Z', 'Europe/Berlin')).toEqual([0, 59, 'Sun']);
  });

  it('Europe/Berlin fall back: 02:00–02:59 occurs twice, the wall clock repeats', () => {
    expect(at('2026-10-25T00:30:00Z', 'Europe/Berlin')).toEqual([2, 150, 'Sun']); // CEST
    expect(at('2026-10-25T00:59:59Z', 'Europe/Berlin')).toEqual([2, 179, 'Sun']);
    expect(at('2026-10-25T01:00:00Z', 'Europe/Berlin')).toEqual([2, 120, 'Sun']); // CET: back to 02:00
    expect(at('2026-10-25T01:30:00Z', 'Europe/Berlin')).toEqual([2, 150, 'Sun']);
    expect(at('2026-10-25T02:00:00Z', 'Europe/Berlin')).toEqual([3, 180, 'Sun']);
  });

  it('America/New_York: DST starts 2026-03-08 07:00Z and ends 2026-11-01 06:00Z', () => {
    expect(at('2026-03-08T06:59:59Z', 'America/New_York')).toEqual([1, 119, 'Sun']);
    expect(at('2026-03-08T07:00:00Z', 'America/New_York')).toEqual([3, 180, 'Sun']);
    expect(at('2026-11-01T05:30:00Z', 'America/New_York')).toEqual([1, 90, 'Sun']); // EDT
    expect(at('2026-11-01T06:30:00Z', 'America/New_York')).toEqual([1, 90, 'Sun']); // EST
    expect(at('2026-11-01T04:30:00Z', 'America/New_York')).toEqual([0, 30, 'Sun']);
    // The same UTC instant is 9:00 in New York in summer and 8:00 in winter.
    expect(at('2026-07-15T13:00:00Z', 'America/New_York')[0]).toBe(9);
    expect(at('2026-01-15T13:00:00Z', 'America/New_York')[0]).toBe(8);
  });

  it('half- and quarter-hour zones: Asia/Kolkata (+05:30), Asia/Kathmandu (+05:45), Australia/Adelaide (+10:30 in summer)', () => {
    expect(at('2026-01-05T03:30:00Z', 'Asia/Kolkata')).toEqual([9, 540, 'Mon']);
    expect(at('2026-01-05T03:29:59Z', 'Asia/Kolkata')).toEqual([8, 539, 'Mon']);
    expect(at('2026-01-05T03:15:00Z', 'Asia/Kathmandu')).toEqual([9, 540, 'Mon']);
    expect(at('2026-01-04T22:30:00Z', 'Australia/Adelaide')).toEqual([9, 540, 'Mon']);
    expect(at('2026-07-04T23:30:00Z', 'Australia/Adelaide')).toEqual([9, 540, 'Sun']); // +09:30 in July
  });

  it('day of week follows the zone across its midnight, not UTC', () => {
    // 2026-01-04 is a Sunday (UTC).
    expect(at('2026-01-04T22:59:59Z', 'Europe/Berlin')).toEqual([23, 1439, 'Sun']);
    expect(at('2026-01-04T23:00:00Z', 'Europe/Berlin')).toEqual([0, 0, 'Mon']);
    expect(at('2026-01-04T18:29:59Z', 'Asia/Kolkata')).toEqual([23, 1439, 'Sun']);
    expect(at('2026-01-04T18:30:00Z', 'Asia/Kolkata')).toEqual([0, 0, 'Mon']);
    expect(at('2026-01-05T03:00:00Z', 'America/Los_Angeles')).toEqual([19, 1140, 'Sun']);
    expect(at('2026-01-05T03:00:00Z', 'UTC')).toEqual([3, 180, 'Mon']);
    // Across a year boundary, and a leap day.
    expect(at('2026-12-31T23:30:00Z', 'Europe/Berlin')).toEqual([0, 30, 'Fri']);
    expect(at('2028-02-28T23:30:00Z', 'Pacific/Auckland')[2]).toBe('Tue');
  });

  it('names every day Mon..Sun over one week', () => {
    const days = Array.from({ length: 7 }, (_, i) => at(`2026-01-${String(5 + i).padStart(2, '0')}T12:00:00Z`, 'Europe/Berlin')[2]);
    expect(days).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  });

  it('matches fixed-offset arithmetic in UTC, Etc/GMT-3 and Asia/Kolkata (property)', () => {
    const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const clocks: [ZoneClock, number][] = [[new ZoneClock('UTC'), 0], [new ZoneClock('Etc/GMT-3'), 180], [new ZoneClock('Asia/Kolkata'), 330]];
    // Asia/Kolkata has kept +05:30 since 1945.
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1950, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }), (sec) => {
      for (const [clock, offset] of clocks) {
        const local = new Date(sec * 1000 + offset * 60_000);
        const t = clock.localTime(sec * 1000);
        expect([t.hour, t.minute, t.minuteOfDay, t.dayOfWeek]).toEqual([local.getUTCHours(), local.getUTCMinutes(), local.getUTCHours() * 60 + local.getUTCMinutes(), names[local.getUTCDay()]]);
      }
    }), { numRuns: 300 });
  });

  it('reuses the last second\'s keys only within that second', () => {
    const c = new ZoneClock('Europe/Berlin');
    const a = c.entries(Date.UTC(2026, 2, 29, 0, 59, 59, 1));
    expect(c.entries(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toBe(a);
    expect(c.keys(Date.UTC(2026, 2, 29, 1, 0, 0))['tessera:LocalHour/Europe/Berlin']).toBe('3');
  });
});

describe('timeZones configuration', () => {
  it('reports invalid zones with a suggestion, and repeated zones', () => {
    const sink = new DiagnosticSink();
    const p = compileTimeProvider(['Europe/Berlin', 'Europe/Berln', '+02:00', 7, 'europe/berlin', 'America/New_York', ' UTC'], 'timeZones', sink);
    expect(p.clocks.map((c) => c.zone)).toEqual(['Europe/Berlin', 'America/New_York']);
    expect(sink.items.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['context/invalid-zone', 'error', 'timeZones[1]'],
      ['context/invalid-zone', 'error', 'timeZones[2]'],
      ['context/invalid-zone', 'error', 'timeZones[3]'],
      ['context/duplicate-zone', 'warning', 'timeZones[4]'],
      ['context/invalid-zone', 'error', 'timeZones[6]'],
    ]);
    expect(sink.items[0]?.help).toBe('did you mean `Europe/Berlin`?');
  });

  it('reports a timeZones that is not a list', () => {
    const sink = new DiagnosticSink();
    compileTimeProvider('Europe/Berlin', 'timeZones', sink);
    expect(sink.items).toEqual([expect.objectContaining({ code: 'context/invalid-config', path: 'timeZones' })]);
  });
});
