/**
 * `tessera:NetworkZone`: the name of the first configured zone whose CIDR ranges hold
 * `aws:SourceIp`, or the configured default when none does.
 *
 * CIDRs are parsed once, at configuration time (ipaddr.js), into 32-bit words, so a request costs
 * one address parse and a few integer operations per range. As in the policy module's IpAddress
 * operator, an IPv4 range never holds an IPv6 address, IPv4-mapped ones (`::ffff:10.0.0.1`)
 * included: a zone that should hold both lists both forms.
 */
import ipaddr from 'ipaddr.js';
import type { DiagnosticSink } from './diagnostics.js';
import { checkMembers, member, optionalArray, optionalObject, requireString } from './shape.js';
import type { ContextProvider, DeriveRequest, DeriveSink } from './types.js';

export const NETWORK_ZONE = 'tessera:NetworkZone';

/** `network` in the configuration. */
export interface NetworkConfig {
  /** Tried in order; the first zone with a range holding the address names it. */
  readonly zones: readonly { readonly name: string; readonly cidrs: readonly string[] }[];
  /** The zone of an address no range holds, e.g. `internet`. Without it the key is not derived. */
  readonly default?: string;
}

interface Range {
  readonly zone: string;
  readonly v6: boolean;
  readonly words: readonly number[];
  readonly prefix: number;
}

interface Address {
  readonly v6: boolean;
  readonly words: readonly number[];
}

function toWords(bytes: readonly number[]): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    words.push((((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0);
  }
  return words;
}

/**
 * Parses an address: IPv4 only as four decimal parts (ipaddr.js would also read `10` or octal
 * `010.0.0.1`, which nobody means in an allow-list), IPv6 in any form (ipaddr.js).
 */
export function parseAddress(text: string): Address | undefined {
  const s = text.trim();
  const v4 = parseDottedQuad(s);
  if (v4 !== undefined) return { v6: false, words: [v4] };
  if (s.includes(':') && ipaddr.IPv6.isValid(s)) return { v6: true, words: toWords(ipaddr.IPv6.parse(s).toByteArray()) };
  return undefined;
}

/**
 * `a.b.c.d` with decimal parts 0–255 without leading zeros (what ipaddr.js's
 * `isValidFourPartDecimal` accepts), read in one pass: it runs on every request.
 */
function parseDottedQuad(s: string): number | undefined {
  let word = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return undefined; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46 && digits > 0) {
      word = word * 256 + part;
      part = 0;
      digits = 0;
      if (++dots > 4) return undefined;
    } else return undefined;
  }
  return dots === 4 ? word >>> 0 : undefined;
}

function contains(r: Range, a: Address): boolean {
  if (r.v6 !== a.v6) return false;
  let bits = r.prefix;
  for (let i = 0; i < r.words.length && bits > 0; i++) {
    const take = Math.min(32, bits);
    const mask = take === 32 ? 0xffffffff : ~(0xffffffff >>> take) >>> 0;
    if ((((r.words[i] ?? 0) ^ (a.words[i] ?? 0)) & mask) >>> 0 !== 0) return false;
    bits -= take;
  }
  return true;
}

/** True when bits beyond the prefix are set (`10.1.0.0/8`): legal, but often a typo. */
function hasHostBits(words: readonly number[], prefix: number): boolean {
  return words.some((w, i) => {
    const keep = Math.max(0, Math.min(32, prefix - i * 32));
    const host = keep === 32 ? 0 : (0xffffffff >>> keep) >>> 0;
    return ((w & host) >>> 0) !== 0;
  });
}

const ZONE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export class NetworkZones implements ContextProvider {
  constructor(private readonly ranges: readonly Range[], private readonly fallback: string | undefined) {}

  /** The zone of an address, or undefined when it is not an address (or none matches and there is no default). */
  zoneOf(ip: string): string | undefined {
    const a = parseAddress(ip);
    return a === undefined ? undefined : this.zoneOfAddress(a);
  }

  private zoneOfAddress(a: Address): string | undefined {
    for (const r of this.ranges) if (contains(r, a)) return r.zone;
    return this.fallback;
  }

  derive(req: DeriveRequest, out: DeriveSink): void {
    const ip = req.context.single('aws:SourceIp', out);
    if (ip === undefined) return;
    const a = parseAddress(ip);
    if (a === undefined) {
      out.report('context/invalid-source-ip', 'info', 'context.aws:SourceIp', `\`${ip}\` is not an IPv4 or IPv6 address`, `\`${NETWORK_ZONE}\` is not derived from it (the default zone is for addresses, not for unreadable values)`);
      return;
    }
    const zone = this.zoneOfAddress(a);
    if (zone !== undefined) out.set(NETWORK_ZONE, zone);
  }
}

/** Compiles `network`: invalid CIDRs and zone names are errors, host bits set a warning. */
export function compileNetworkZones(value: unknown, path: string, sink: DiagnosticSink): NetworkZones | undefined {
  const cfg = optionalObject(value, path, sink);
  if (cfg === undefined) return undefined;
  checkMembers(cfg, ['zones', 'default'], path, sink);
  const ranges: Range[] = [];
  const zonesPath = member(path, 'zones');
  (optionalArray(cfg['zones'], zonesPath, sink) ?? []).forEach((z, i) => {
    const at = `${zonesPath}[${i}]`;
    const zone = optionalObject(z, at, sink);
    if (zone === undefined) return;
    checkMembers(zone, ['name', 'cidrs'], at, sink);
    const name = zoneName(zone['name'], member(at, 'name'), sink);
    const cidrsPath = member(at, 'cidrs');
    const cidrs = optionalArray(zone['cidrs'], cidrsPath, sink);
    if (cidrs === undefined) sink.error('context/invalid-config', cidrsPath, 'a network zone needs `cidrs`', 'list the zone\'s ranges, e.g. `["10.0.0.0/8", "2001:db8::/32"]`');
    (cidrs ?? []).forEach((c, j) => {
      const range = parseRange(c, `${cidrsPath}[${j}]`, sink);
      if (range !== undefined && name !== undefined) ranges.push({ zone: name, ...range });
    });
  });
  const fallback = cfg['default'] === undefined ? undefined : zoneName(cfg['default'], member(path, 'default'), sink);
  return new NetworkZones(ranges, fallback);
}

function zoneName(v: unknown, path: string, sink: DiagnosticSink): string | undefined {
  const name = requireString(v, path, sink);
  if (name === undefined || ZONE_NAME.test(name)) return name;
  sink.error('context/invalid-zone-name', path, `\`${name}\` is not a usable zone name`, 'use letters, digits and `_ . : -`, e.g. `corporate`, `vpn`, `internet`: policies compare it with StringEquals');
  return undefined;
}

function parseRange(v: unknown, path: string, sink: DiagnosticSink): Omit<Range, 'zone'> | undefined {
  const text = typeof v === 'string' ? v.trim() : '';
  const slash = text.indexOf('/');
  const addr = parseAddress(slash < 0 ? text : text.slice(0, slash));
  const max = addr?.v6 === true ? 128 : 32;
  const p = slash < 0 ? String(max) : text.slice(slash + 1);
  if (addr === undefined || !/^\d{1,3}$/.test(p) || Number(p) > max) {
    sink.error('context/invalid-cidr', path, `${typeof v === 'string' ? `\`${v}\`` : 'the value'} is not an IPv4 or IPv6 address or CIDR range`, 'write a range such as `10.0.0.0/8` or `2001:db8::/32` (IPv4 as four decimal parts)');
    return undefined;
  }
  const prefix = Number(p);
  if (hasHostBits(addr.words, prefix)) {
    sink.add('context/cidr-host-bits', 'warning', path, `\`${text}\` has bits set beyond its /${prefix} prefix`, 'the range still covers the whole prefix; write the network address to say so (e.g. `10.0.0.0/8`)');
  }
  return { v6: addr.v6, words: addr.words, prefix };
}
