/** Date condition operators: ISO 8601 dates/times (UTC unless an offset is given) or epoch seconds. */
import { bad, ok, operator, type ConditionOperator } from './types.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH = /^-?\d{1,13}(\.\d+)?$/;

/** Milliseconds since the epoch, or undefined when the text is not a date IAM accepts. */
export function parseDate(raw: string): number | undefined {
  const fast = parseUtcSeconds(raw);
  if (fast !== undefined) return fast;
  const s = raw.trim();
  if (EPOCH.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + Number(`0.${frac || '0'}`) * 1000;
  if (day > daysInMonth(year, month)) return undefined; // e.g. 2023-02-30
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

function date(name: string, negated: boolean, test: (r: number, p: number) => boolean): ConditionOperator {
  return operator<number, number>({
    name, family: 'Date', negated, wildcards: false, requestKind: 'date',
    parsePolicy: (v) => {
      const t = parseDate(v.text);
      return t === undefined
        ? bad('policy/invalid-date', `\`${v.text}\` is not a date`, 'write an ISO 8601 date or time such as `2026-01-31T17:00:00Z`, or epoch seconds such as `1769878800`')
        : ok(t);
    },
    parseRequest: parseDate,
    test,
  });
}

export const DATE_OPERATORS = [
  date('DateEquals', false, (r, p) => r === p),
  date('DateNotEquals', true, (r, p) => r === p),
  date('DateLessThan', false, (r, p) => r < p),
  date('DateLessThanEquals', false, (r, p) => r <= p),
  date('DateGreaterThan', false, (r, p) => r > p),
  date('DateGreaterThanEquals', false, (r, p) => r >= p),
];

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

/**
 * The common case on the hot path (`aws:CurrentTime` as AWS sends it): `YYYY-MM-DDTHH:MM:SSZ`,
 * read without a regular expression. Other forms go through the general parser.
 */
function parseUtcSeconds(s: string): number | undefined {
  if (s.length !== 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return undefined;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  if (Number.isNaN(year + month + day + hour + minute + second)) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS[month - 1] ?? 31);
}
