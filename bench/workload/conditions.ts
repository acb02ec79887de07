/**
 * The condition side of the workload: the context keys a session carries, how a request's context
 * is drawn, and the conditions statements put on those keys. Each generated condition knows a
 * request value that satisfies it and one that violates it, so the request generator can aim at a
 * statement (a hit) or just miss it (a near miss) without evaluating anything itself.
 *
 * Every key has one value type (string, address, date, number, bool) so that the Cedar translation
 * can give each context attribute one Cedar type. Values are always well formed: IAM says a value
 * that does not parse matches nothing, but Cedar rejects such a request outright, so malformed
 * values would not be the same decision problem.
 */
import { REGIONS } from './aws-services.js';
import type { Prng } from './prng.js';

export const KEYS = {
  team: 'aws:PrincipalTag/team',
  sourceIp: 'aws:SourceIp',
  currentTime: 'aws:CurrentTime',
  mfa: 'aws:MultiFactorAuthPresent',
  mfaAge: 'aws:MultiFactorAuthAge',
  region: 'aws:RequestedRegion',
  project: 'aws:ResourceTag/project',
} as const;

export const TEAMS = ['payments', 'search', 'platform', 'data', 'identity', 'mobile', 'growth', 'security'] as const;

/** Corporate egress ranges the policies allow from (one IPv6 range: v4 ranges never hold v6 addresses). */
export const CORPORATE_CIDRS = ['10.0.0.0/8', '10.20.0.0/16', '10.30.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '203.0.113.0/24', '198.51.100.0/24', '100.64.0.0/10', '2001:db8::/32'] as const;

/** First octets of public addresses outside every corporate range. */
const PUBLIC_OCTETS = [3, 8, 18, 34, 52, 54, 99, 151] as const;

/** "Now" for the workload: request times spread ±90 days around it, expiry dates ±120 days. */
const BASE_MS = Date.UTC(2026, 0, 15);
const DAY_MS = 86_400_000;

export type Context = Record<string, string>;

export interface GenCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
  /** A request value under which the condition holds; undefined: leave the key out. */
  satisfy(rng: Prng): string | undefined;
  /** A request value under which it does not hold; undefined: leave the key out. */
  violate(rng: Prng): string | undefined;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function addressIn(cidr: string, rng: Prng): string {
  const [base = '', bitsText = '32'] = cidr.split('/');
  if (base.includes(':')) {
    const h = () => rng.int(0x10000).toString(16);
    return `2001:db8:${h()}:${h()}::${h()}`;
  }
  const bits = Number(bitsText);
  const octets = base.split('.').map(Number);
  const net = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
  const hostMask = bits === 0 ? 0xffffffff : (2 ** (32 - bits) - 1) >>> 0;
  const addr = ((net & ~hostMask) | (rng.int(2 ** 31) & hostMask)) >>> 0;
  return [addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255].join('.');
}

const publicAddress = (rng: Prng): string => `${rng.pick(PUBLIC_OCTETS)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;

/** The context a session carries for one request, before any aiming at a statement. */
export function baselineContext(rng: Prng): Context {
  const c: Context = {};
  if (rng.chance(0.92)) c[KEYS.team] = rng.pick(TEAMS);
  if (rng.chance(0.9)) {
    const r = rng.next();
    c[KEYS.sourceIp] = r < 0.75 ? addressIn(rng.pick(CORPORATE_CIDRS), rng) : r < 0.95 ? publicAddress(rng) : addressIn('2001:db8::/32', rng);
  }
  if (rng.chance(0.97)) c[KEYS.currentTime] = iso(BASE_MS + (rng.int(180 * 86_400) - 90 * 86_400) * 1000);
  if (rng.chance(0.9)) {
    const mfa = rng.chance(0.7);
    c[KEYS.mfa] = mfa ? 'true' : 'false';
    if (mfa) c[KEYS.mfaAge] = String(rng.int(7200));
  }
  if (rng.chance(0.95)) c[KEYS.region] = rng.chance(0.5) ? 'us-east-1' : rng.pick(REGIONS);
  if (rng.chance(0.7)) c[KEYS.project] = `proj-${rng.int(40)}`;
  return c;
}

const cond = (operator: string, key: string, values: readonly string[], satisfy: GenCondition['satisfy'], violate: GenCondition['violate']): GenCondition =>
  ({ operator, key, values, satisfy, violate });

/** Conditions for Allow statements, each added with its own probability (see `allowConditions`). */
const ALLOW_CONDITIONS: readonly { readonly p: number; make(rng: Prng): GenCondition }[] = [
  { p: 0.45, make: (rng) => {
    const teams = rng.sample(TEAMS, rng.range(1, 2));
    return cond('StringEquals', KEYS.team, teams, (r) => r.pick(teams), (r) => r.pick(TEAMS.filter((t) => !teams.includes(t))));
  } },
  { p: 0.35, make: (rng) => {
    const cidrs = rng.sample(CORPORATE_CIDRS, rng.range(1, 2));
    return cond('IpAddress', KEYS.sourceIp, cidrs, (r) => addressIn(r.pick(cidrs), r), publicAddress);
  } },
  { p: 0.25, make: (rng) => {
    const until = BASE_MS + (rng.int(240) - 120) * DAY_MS;
    return cond('DateLessThan', KEYS.currentTime, [iso(until)], (r) => iso(until - r.range(1, 30 * 86_400) * 1000), (r) => iso(until + r.int(30 * 86_400) * 1000));
  } },
  { p: 0.25, make: () => cond('Bool', KEYS.mfa, ['true'], () => 'true', () => 'false') },
  { p: 0.1, make: (rng) => {
    const limit = rng.pick([900, 3600, 7200]);
    return cond('NumericLessThan', KEYS.mfaAge, [String(limit)], (r) => String(r.int(limit)), (r) => String(limit + r.int(3600)));
  } },
  { p: 0.2, make: (rng) => {
    const regions = rng.sample(REGIONS, rng.range(1, 2));
    return cond('StringEquals', KEYS.region, regions, (r) => r.pick(regions), (r) => r.pick(REGIONS.filter((x) => !regions.includes(x))));
  } },
  { p: 0.15, make: (rng) => {
    const d = rng.range(1, 9);
    return cond('StringLike', KEYS.project, [`proj-${d}*`], (r) => `proj-${d}${r.chance(0.5) ? r.int(10) : ''}`, () => 'legacy-app');
  } },
];

/** Zero to three conditions; about 85% of Allow statements get at least one. */
export function allowConditions(rng: Prng): GenCondition[] {
  const out = ALLOW_CONDITIONS.filter((c) => rng.chance(c.p)).map((c) => c.make(rng));
  if (out.length === 0 && rng.chance(0.7)) out.push(rng.pick(ALLOW_CONDITIONS).make(rng));
  return out.slice(0, 3);
}

/**
 * The guard-rail conditions Deny statements use in practice: MFA required (BoolIfExists, as the
 * AWS docs recommend), corporate network only (NotIpAddress), approved regions only
 * (StringNotEquals), or an end date (DateGreaterThan). A third of the denies that are not `required`
 * to have a condition are unconditional.
 */
export function denyConditions(rng: Prng, required: boolean): GenCondition[] {
  const r = required ? 0.33 + rng.next() * 0.67 : rng.next();
  if (r < 0.33) return [];
  if (r < 0.55) return [cond('BoolIfExists', KEYS.mfa, ['false'], (x) => (x.chance(0.5) ? 'false' : undefined), () => 'true')];
  if (r < 0.75) {
    const cidrs = rng.sample(CORPORATE_CIDRS, rng.range(2, 4));
    return [cond('NotIpAddress', KEYS.sourceIp, cidrs, publicAddress, (x) => addressIn(x.pick(cidrs), x))];
  }
  if (r < 0.9) {
    const allowed = ['us-east-1', 'eu-west-1'];
    return [cond('StringNotEquals', KEYS.region, allowed, (x) => x.pick(REGIONS.filter((g) => !allowed.includes(g))), (x) => x.pick(allowed))];
  }
  const after = BASE_MS + (rng.int(180) - 30) * DAY_MS;
  return [cond('DateGreaterThan', KEYS.currentTime, [iso(after)], (x) => iso(after + x.range(1, 30 * 86_400) * 1000), (x) => iso(after - x.range(1, 30 * 86_400) * 1000))];
}

/** The IAM `Condition` element for a list of conditions (one key per operator entry). */
export function conditionBlock(conds: readonly GenCondition[]): Record<string, Record<string, string | string[]>> | undefined {
  if (conds.length === 0) return undefined;
  const block: Record<string, Record<string, string | string[]>> = {};
  for (const c of conds) {
    const op = (block[c.operator] ??= {});
    op[c.key] = c.values.length === 1 ? (c.values[0] as string) : [...c.values];
  }
  return block;
}
