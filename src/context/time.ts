/**
 * Local-time keys, derived from `aws:CurrentTime` for each configured IANA zone:
 * `tessera:LocalHour/<zone>` (0–23), `tessera:LocalMinuteOfDay/<zone>` (0–1439) and
 * `tessera:LocalDayOfWeek/<zone>` (`Mon`..`Sun`), so that "09:00–17:30 Berlin time, weekdays" is
 * two Numeric conditions and one StringEquals.
 *
 * The zone rules come from the runtime's ICU data through Intl.DateTimeFormat (no copied zone
 * database, so they follow the runtime's updates). The values are the *wall clock* in the zone:
 * across a DST change the hour jumps (Berlin 01:59:59 CET is followed by 03:00:00 CEST, so hour 2
 * never occurs that night) or repeats (02:00–02:59 occurs twice in October), and MinuteOfDay is
 * hour × 60 + minute of that wall clock, not minutes elapsed since midnight. That is what a person
 * means by "before 17:30 Berlin time".
 */
import type { DiagnosticSink } from './diagnostics.js';
import { optionalArray } from './shape.js';
import type { ContextProvider, DeriveRequest, DeriveSink } from './types.js';
import { zoneProblem } from './zones.js';

export const LOCAL_HOUR = 'tessera:LocalHour/';
export const LOCAL_MINUTE_OF_DAY = 'tessera:LocalMinuteOfDay/';
export const LOCAL_DAY_OF_WEEK = 'tessera:LocalDayOfWeek/';

export type DayOfWeek = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';
/** Indexed by `Date.prototype.getUTCDay()`. */
const DAYS: readonly DayOfWeek[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Milliseconds since the epoch for an ISO 8601 date-time that says its offset (`Z` as AWS sends
 * it, or `±hh:mm`); undefined otherwise. A date alone or a time without an offset does not say
 * which instant it is in any zone, so no local time is derived from it (never guess).
 */
export function parseCurrentTime(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  // A leap second (:60) is accepted and rolls over, as the policy module's Date operators do.
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0–99 to 1900–1999
  if (date.getUTCDate() !== day) return undefined; // e.g. 2026-02-30 rolled into March
  const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60_000;
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + Number(`0.${frac || '0'}`) * 1000 - offset;
}

export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
  readonly minuteOfDay: number;
  readonly dayOfWeek: DayOfWeek;
}

/** One zone's clock: the Intl formatter is built once (about 60 µs), formatting costs a few µs. */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly hourKey: string;
  private readonly minuteKey: string;
  private readonly dayKey: string;
  // Requests arrive in bursts within one second: keep the last second's keys.
  private lastSecond = NaN;
  private lastEntries: readonly (readonly [string, string])[] = [];

  /** `zone` must be valid (see `zoneProblem`); it is used as written in the key names. */
  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    this.hourKey = LOCAL_HOUR + zone;
    this.minuteKey = LOCAL_MINUTE_OF_DAY + zone;
    this.dayKey = LOCAL_DAY_OF_WEEK + zone;
  }

  localTime(epochMs: number): LocalTime {
    let year = 1970, month = 1, day = 1, hour = 0, minute = 0;
    for (const p of this.format.formatToParts(epochMs)) {
      if (p.type === 'year') year = Number(p.value);
      else if (p.type === 'month') month = Number(p.value);
      else if (p.type === 'day') day = Number(p.value);
      else if (p.type === 'hour') hour = Number(p.value) % 24;
      else if (p.type === 'minute') minute = Number(p.value);
    }
    // The weekday from the local calendar date, so no locale's day names are involved.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return { hour, minute, minuteOfDay: hour * 60 + minute, dayOfWeek: DAYS[date.getUTCDay()] ?? 'Sun' };
  }

  /** The three keys for an instant as `[name, value]` pairs, named with this clock's zone. */
  entries(epochMs: number): readonly (readonly [string, string])[] {
    const second = Math.floor(epochMs / 1000);
    if (second !== this.lastSecond) {
      const t = this.localTime(epochMs);
      this.lastEntries = [[this.hourKey, String(t.hour)], [this.minuteKey, String(t.minuteOfDay)], [this.dayKey, t.dayOfWeek]];
      this.lastSecond = second;
    }
    return this.lastEntries;
  }

  /** The three keys for an instant, named with this clock's zone. */
  keys(epochMs: number): Record<string, string> {
    return Object.fromEntries(this.entries(epochMs));
  }
}

const clocks = new Map<string, ZoneClock>();

/**
 * The three local-time keys for `currentTimeIso` (as in `aws:CurrentTime`) in `zone`, named with
 * `zone` as written; undefined when the time does not parse or the zone is not a zone.
 */
export function timeKeysFor(currentTimeIso: string, zone: string): Record<string, string> | undefined {
  const t = parseCurrentTime(currentTimeIso);
  if (t === undefined) return undefined;
  let clock = clocks.get(zone);
  if (clock === undefined) {
    if (zoneProblem(zone) !== undefined) return undefined;
    if (clocks.size >= 512) clocks.clear(); // bounded: zone names may come from untrusted policies
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock.keys(t);
}

/** Derives the local-time keys for every configured zone from `aws:CurrentTime`. */
export class TimeProvider implements ContextProvider {
  // Consecutive requests usually carry the same `aws:CurrentTime` text: parse it once.
  private lastText = '';
  private lastMs: number | undefined;

  constructor(readonly clocks: readonly ZoneClock[]) {}

  derive(req: DeriveRequest, out: DeriveSink): void {
    if (this.clocks.length === 0) return;
    const text = req.context.single('aws:CurrentTime', out);
    if (text === undefined) return;
    if (text !== this.lastText) {
      this.lastMs = parseCurrentTime(text);
      this.lastText = text;
    }
    const t = this.lastMs;
    if (t === undefined) {
      out.report('context/invalid-current-time', 'info', 'context.aws:CurrentTime', `\`${text}\` is not an ISO 8601 date and time with an offset`, 'AWS sends `aws:CurrentTime` as `2026-03-29T07:30:00Z`; the local-time keys are not derived from anything else');
      return;
    }
    for (const c of this.clocks) for (const [k, v] of c.entries(t)) out.set(k, v);
  }
}

/** Compiles `timeZones`; invalid zones are errors, repeated ones (case-insensitively) warnings. */
export function compileTimeProvider(value: unknown, path: string, sink: DiagnosticSink): TimeProvider {
  const list = optionalArray(value, path, sink) ?? [];
  const seen = new Set<string>();
  const out: ZoneClock[] = [];
  list.forEach((zone, i) => {
    const at = `${path}[${i}]`;
    if (typeof zone !== 'string') {
      sink.error('context/invalid-zone', at, `a time zone must be a string, not ${zone === null ? 'null' : typeof zone}`, 'write an IANA zone name such as `Europe/Berlin`');
      return;
    }
    const problem = zoneProblem(zone);
    if (problem !== undefined) return sink.error('context/invalid-zone', at, problem.message, problem.help);
    // Key names are case-insensitive: `europe/berlin` would name the same keys again.
    if (seen.has(zone.toLowerCase())) return sink.add('context/duplicate-zone', 'warning', at, `\`${zone}\` is listed twice`, 'list each zone once');
    seen.add(zone.toLowerCase());
    out.push(new ZoneClock(zone));
  });
  return new TimeProvider(out);
}
