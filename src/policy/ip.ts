/**
 * IPv4 and IPv6 addresses and CIDR ranges, parsed with `ipaddr.js` and kept as 32-bit words so that
 * a range test is a few integer operations. An IPv4 range never contains an IPv6 address.
 */
import ipaddr from 'ipaddr.js';

export interface IpAddress {
  readonly v6: boolean;
  /** 1 word for IPv4, 4 for IPv6, big-endian. */
  readonly words: readonly number[];
}

export interface IpRange extends IpAddress {
  readonly prefix: number;
}

function toWords(bytes: readonly number[]): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    words.push((((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0);
  }
  return words;
}

/** Parses one address (dotted-quad IPv4 or any IPv6 form); undefined when not an address. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const fast = parseCanonicalIpv4(text);
  if (fast !== undefined) return { v6: false, words: [fast] };
  const v6 = parsePlainIpv6(text);
  if (v6 !== undefined) return { v6: true, words: v6 };
  const s = text.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return { v6: false, words: toWords(ipaddr.IPv4.parse(s).toByteArray()) };
  if (s.includes(':') && ipaddr.IPv6.isValid(s)) return { v6: true, words: toWords(ipaddr.IPv6.parse(s).toByteArray()) };
  return undefined;
}

/** Parses `address` or `address/prefix`; undefined when malformed. */
export function parseIpRange(text: string): IpRange | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addr = parseIpAddress(slash < 0 ? s : s.slice(0, slash));
  if (addr === undefined) return undefined;
  const max = addr.v6 ? 128 : 32;
  if (slash < 0) return { ...addr, prefix: max };
  const p = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
  return { ...addr, prefix: Number(p) };
}

export function rangeContains(range: IpRange, addr: IpAddress): boolean {
  if (range.v6 !== addr.v6) return false;
  let bits = range.prefix;
  for (let i = 0; i < range.words.length && bits > 0; i++) {
    const take = Math.min(32, bits);
    const mask = take === 32 ? 0xffffffff : ~(0xffffffff >>> take) >>> 0;
    if ((((range.words[i] ?? 0) ^ (addr.words[i] ?? 0)) & mask) >>> 0 !== 0) return false;
    bits -= take;
  }
  return true;
}

/**
 * The common case on the hot path: canonical dotted-quad IPv4 (no leading zeros), read without
 * allocating. Anything else goes to ipaddr.js, which gives the same answer for these inputs.
 */
function parseCanonicalIpv4(s: string): number | undefined {
  let word = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255 || parts === 4) return undefined;
      word = word * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // leading zero: let ipaddr.js decide
      part = part * 10 + (c - 48);
      if (++digits > 3) return undefined;
    } else return undefined;
  }
  return parts === 4 ? word : undefined;
}

/**
 * IPv6 in the forms requests carry (hex groups, at most one `::`, optionally a dotted IPv4 tail),
 * read by hand: ipaddr.js takes about 20 µs per IPv6 address on Node 20, far too slow for every
 * request. Anything unusual (zone ids, leading/trailing garbage) returns undefined and goes to
 * ipaddr.js; a property test checks both agree.
 */
function parsePlainIpv6(s: string): number[] | undefined {
  if (s.length < 2 || s.length > 45 || s.indexOf(':') < 0) return undefined;
  const gap = s.indexOf('::');
  if (gap >= 0 && s.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap < 0 ? s : s.slice(0, gap);
  const tail = gap < 0 ? '' : s.slice(gap + 2);
  // `::a.b.c.d` (deprecated IPv4-compatible form): ipaddr.js reads it as IPv4-mapped; let it decide.
  if (head === '' && tail.includes('.') && !tail.includes(':')) return undefined;
  const left = head === '' ? [] : groups(head, gap < 0 || tail === '' ? true : false);
  const right = tail === '' ? [] : groups(tail, true);
  if (left === undefined || right === undefined) return undefined;
  const count = left.length + right.length;
  if (gap < 0 ? count !== 8 : count > 7) return undefined;
  const all = [...left, ...new Array<number>(8 - count).fill(0), ...right];
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((((all[i] ?? 0) << 16) | (all[i + 1] ?? 0)) >>> 0);
  return words;
}

/** 16-bit groups of one side of `::`; the last part may be a dotted IPv4 address (two groups). */
function groups(part: string, mayEndInIpv4: boolean): number[] | undefined {
  const out: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const g = pieces[i] as string;
    if (i === pieces.length - 1 && mayEndInIpv4 && g.includes('.')) {
      const v4 = parseCanonicalIpv4(g);
      if (v4 === undefined) return undefined;
      out.push(v4 >>> 16, v4 & 0xffff);
      continue;
    }
    if (g.length === 0 || g.length > 4) return undefined;
    let v = 0;
    for (let k = 0; k < g.length; k++) {
      const c = g.charCodeAt(k);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) return undefined;
      v = v * 16 + d;
    }
    out.push(v);
  }
  return out;
}
