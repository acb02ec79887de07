/**
 * CVSS vectors, versions 2.0, 3.0, 3.1 and 4.0: strict parsing here, scoring by
 * `ae-cvss-calculator` (Apache-2.0), which implements every version's formulas and the 4.0
 * macro-vector lookup. The library accepts anything (an unknown metric is ignored, a bad value
 * silently dropped), so a vector is checked against the library's own metric registry first:
 * known metrics only, each once, with a listed value, every base metric given.
 */
import calculator from 'ae-cvss-calculator';
import type { IntelDiagnostic, Parsed } from './diagnostics.js';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';
export type CvssSeverity = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface CvssScore {
  readonly version: CvssVersion;
  /** The vector as given (trimmed). */
  readonly vector: string;
  readonly base: number;
  /** v2/v3 temporal or v4 threat score (CVSS-BT), when the vector has such metrics. */
  readonly threat?: number;
  /** Environmental score (v4: CVSS-BE or CVSS-BTE), when the vector has such metrics. */
  readonly environmental?: number;
  /** The most specific score the vector supports: environmental, else threat, else base. */
  readonly overall: number;
  readonly severity: CvssSeverity;
}

/** The environment the risk engine derives from a deployment. Letters as in every version's vectors. */
export interface CvssEnvironment {
  readonly confidentialityRequirement?: 'L' | 'M' | 'H';
  readonly integrityRequirement?: 'L' | 'M' | 'H';
  readonly availabilityRequirement?: 'L' | 'M' | 'H';
  /** Not in v2, which has no modified base metrics. */
  readonly modifiedAttackVector?: 'N' | 'A' | 'L' | 'P';
}

type Vector = InstanceType<typeof calculator.Cvss3P1> | InstanceType<typeof calculator.Cvss3P0> | InstanceType<typeof calculator.Cvss4P0> | InstanceType<typeof calculator.Cvss2>;

interface VersionDef {
  readonly version: CvssVersion;
  readonly prefix: string;
  readonly create: (vector?: string) => Vector;
  /** What a metric not given means: `X` (3.x, 4.0) or `ND` (2.0). */
  readonly notDefined: string;
  /** The specification's order of metrics in a vector string. */
  readonly order: readonly string[];
}

const V3_ORDER = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A', 'E', 'RL', 'RC', 'CR', 'IR', 'AR', 'MAV', 'MAC', 'MPR', 'MUI', 'MS', 'MC', 'MI', 'MA'];
const V4_ORDER = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA', 'E', 'CR', 'IR', 'AR', 'MAV', 'MAC', 'MAT', 'MPR', 'MUI', 'MVC', 'MVI', 'MVA', 'MSC', 'MSI', 'MSA', 'S', 'AU', 'R', 'V', 'RE', 'U'];
const V2_ORDER = ['AV', 'AC', 'Au', 'C', 'I', 'A', 'E', 'RL', 'RC', 'CDP', 'TD', 'CR', 'IR', 'AR'];

const VERSIONS: readonly VersionDef[] = [
  { version: '4.0', prefix: 'CVSS:4.0/', create: (v) => new calculator.Cvss4P0(v), notDefined: 'X', order: V4_ORDER },
  { version: '3.1', prefix: 'CVSS:3.1/', create: (v) => new calculator.Cvss3P1(v), notDefined: 'X', order: V3_ORDER },
  { version: '3.0', prefix: 'CVSS:3.0/', create: (v) => new calculator.Cvss3P0(v), notDefined: 'X', order: V3_ORDER },
  { version: '2.0', prefix: '', create: (v) => new calculator.Cvss2(v), notDefined: 'ND', order: V2_ORDER },
];

/** Per version: metric → allowed values, and which metrics are base metrics. */
const registries = new Map<CvssVersion, { values: Map<string, Set<string>>; base: Set<string> }>();

function registry(def: VersionDef): { values: Map<string, Set<string>>; base: Set<string> } {
  let r = registries.get(def.version);
  if (r === undefined) {
    r = { values: new Map(), base: new Set() };
    for (const [category, components] of def.create().getRegisteredComponents()) {
      for (const c of components) {
        r.values.set(c.shortName, new Set(c.values.map((v) => v.shortName)));
        if (category.name === 'base') r.base.add(c.shortName);
      }
    }
    registries.set(def.version, r);
  }
  return r;
}

function versionOf(vector: string): { def: VersionDef; body: string } | undefined {
  for (const def of VERSIONS) if (def.prefix !== '' && vector.startsWith(def.prefix)) return { def, body: vector.slice(def.prefix.length) };
  if (vector.startsWith('CVSS:')) return undefined;
  // v2 vectors carry no prefix; NVD sometimes wraps them in parentheses.
  const body = vector.startsWith('(') && vector.endsWith(')') ? vector.slice(1, -1) : vector;
  return { def: VERSIONS[3] as VersionDef, body };
}

function severityOf(version: CvssVersion, score: number): CvssSeverity {
  if (version === '2.0') return score < 4 ? 'low' : score < 7 ? 'medium' : 'high';
  if (score === 0) return 'none';
  return score < 4 ? 'low' : score < 7 ? 'medium' : score < 9 ? 'high' : 'critical';
}

function problem(vector: string, message: string, help: string): Parsed<CvssScore> {
  const diagnostic: IntelDiagnostic = { code: 'intel/cvss-vector', severity: 'error', path: vector, message, help };
  return { ok: false, diagnostics: [diagnostic] };
}

/** The vector's metrics in order, after the strict checks; or a diagnostic. */
function metricsOf(vector: string): { def: VersionDef; metrics: [string, string][] } | Parsed<CvssScore> {
  const found = versionOf(vector);
  if (found === undefined) return problem(vector, `\`${vector.slice(0, 12)}\` is not a CVSS version this reads`, 'use CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/ vectors, or a v2 vector without a prefix');
  const { def, body } = found;
  const reg = registry(def);
  const metrics: [string, string][] = [];
  const seen = new Set<string>();
  for (const part of body.split('/')) {
    const colon = part.indexOf(':');
    const [key, value] = colon < 0 ? [part, ''] : [part.slice(0, colon), part.slice(colon + 1)];
    const allowed = reg.values.get(key);
    if (allowed === undefined) return problem(vector, `\`${key}\` is not a CVSS ${def.version} metric`, `metrics of ${def.version}: ${[...reg.values.keys()].join(', ')}`);
    if (seen.has(key)) return problem(vector, `\`${key}\` is given twice`, 'give each metric once');
    if (!allowed.has(value)) return problem(vector, `\`${value}\` is not a value of \`${key}\``, `use one of: ${[...allowed].join(', ')}`);
    seen.add(key);
    metrics.push([key, value]);
  }
  const given = new Map(metrics);
  const missing = [...reg.base].filter((k) => given.get(k) === undefined || given.get(k) === def.notDefined);
  if (missing.length > 0) return problem(vector, `base metric${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m}\``).join(', ')} missing`, 'a vector gives every base metric');
  return { def, metrics };
}

/**
 * Scores by vector text. Scoring is a pure function of the text, feeds repeat the same vectors
 * across thousands of CVEs, and a 4.0 score costs ~170 µs in the library: remembering the last
 * few thousand makes a large assessment cheap without changing any result.
 */
const SCORE_CACHE_SIZE = 4096;
const scoreCache = new Map<string, Parsed<CvssScore>>();

/** Forgets remembered scores (a benchmark measuring a cold assessment calls it). */
export function clearCvssScoreCache(): void {
  scoreCache.clear();
}

/** Parses and scores a CVSS vector of any version. */
export function scoreCvss(rawVector: string): Parsed<CvssScore> {
  const vector = rawVector.trim();
  const cached = scoreCache.get(vector);
  if (cached !== undefined) return cached;
  const result = scoreUncached(vector);
  if (scoreCache.size >= SCORE_CACHE_SIZE) scoreCache.delete(scoreCache.keys().next().value as string);
  scoreCache.set(vector, result);
  return result;
}

function scoreUncached(vector: string): Parsed<CvssScore> {
  const parsed = metricsOf(vector);
  if ('ok' in parsed) return parsed;
  const { def } = parsed;
  const scores = def.create(vector).calculateScores() as { overall: number; base?: number; baseMetricsOnly?: number; temporal?: number; threat?: number; environmental?: number };
  const base = def.version === '4.0' ? (scores.baseMetricsOnly ?? scores.overall) : (scores.base ?? scores.overall);
  const threat = def.version === '4.0' ? scores.threat : scores.temporal;
  // v4's library `environmental` is CVSS-BE; like v3's, ours includes the threat metric (CVSS-BTE).
  const environmental = scores.environmental === undefined ? undefined : def.version === '4.0' ? scores.overall : scores.environmental;
  const overall = scores.overall;
  return {
    ok: true,
    value: { version: def.version, vector, base, ...(threat !== undefined ? { threat } : {}), ...(environmental !== undefined ? { environmental } : {}), overall, severity: severityOf(def.version, overall) },
    diagnostics: [],
  };
}

/**
 * The vector with the environment's requirements and modified attack vector set (replacing
 * any the vector had). The risk engine uses it to score a vulnerability where it is deployed.
 */
export function withEnvironment(rawVector: string, env: CvssEnvironment): Parsed<string> {
  const vector = rawVector.trim();
  const parsed = metricsOf(vector);
  if ('ok' in parsed) return { ok: false, diagnostics: parsed.diagnostics };
  const { def, metrics } = parsed;
  const set = new Map<string, string>();
  if (env.confidentialityRequirement !== undefined) set.set('CR', env.confidentialityRequirement);
  if (env.integrityRequirement !== undefined) set.set('IR', env.integrityRequirement);
  if (env.availabilityRequirement !== undefined) set.set('AR', env.availabilityRequirement);
  if (env.modifiedAttackVector !== undefined && def.version !== '2.0') set.set('MAV', env.modifiedAttackVector);
  const all = [...metrics.filter(([k]) => !set.has(k)), ...set];
  all.sort(([a], [b]) => def.order.indexOf(a) - def.order.indexOf(b));
  const body = all.map(([k, v]) => `${k}:${v}`).join('/');
  return { ok: true, value: def.prefix + body, diagnostics: [] };
}
