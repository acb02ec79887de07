/**
 * `tessera:DataSensitivity` (0 public, 1 internal, 2 confidential, 3 restricted) for the request's
 * resource, from a classification map (ARN patterns → level) and/or a resource tag.
 *
 * Precedence, decided here:
 * - Within the map, by default the *most specific* matching pattern wins: the one with the most
 *   non-wildcard characters, then the fewest wildcards (so an exact ARN beats every pattern that
 *   also matches it); matches equal in both resolve to the higher level. This lets a map say "all of S3 is internal, the
 *   `hr-*` buckets are restricted, `arn:aws:s3:::www/*` is public". Set `precedence: "highest"`
 *   to take the highest matching level instead, so that no pattern can lower another.
 * - Between the map and the tag, the higher level wins: a resource owner can raise the central
 *   classification with a tag but not lower it.
 * - A tag value that is not a level makes the level unknown: the key is not derived (reported).
 * Patterns match like IAM's Resource element: case-sensitive, `*` and `?` stay within one of the
 * first five ARN fields and cross colons only in the resource part.
 */
import type { DiagnosticSink } from './diagnostics.js';
import { checkMembers, member, optionalArray, optionalObject, requireString, typeName } from './shape.js';
import type { ContextProvider, DeriveRequest, DeriveSink } from './types.js';

export const DATA_SENSITIVITY = 'tessera:DataSensitivity';
export const SENSITIVITY_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type SensitivityName = (typeof SENSITIVITY_LEVELS)[number];
export type SensitivityLevel = 0 | 1 | 2 | 3;

/** `sensitivity` in the configuration. */
export interface SensitivityConfig {
  /** ARN patterns and their level (a number 0–3 or a level name). */
  readonly resources?: readonly { readonly pattern: string; readonly level: SensitivityLevel | SensitivityName }[];
  readonly precedence?: 'most-specific' | 'highest';
  /** A resource tag holding the level, read from `aws:ResourceTag/<tagKey>`. */
  readonly tagKey?: string;
}

/** A level from `0`–`3` (number or text) or a level name (any case); undefined otherwise. */
export function parseLevel(v: unknown): SensitivityLevel | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 3 ? (v as SensitivityLevel) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (/^[0-3]$/.test(s)) return Number(s) as SensitivityLevel;
  const i = (SENSITIVITY_LEVELS as readonly string[]).indexOf(s);
  return i < 0 ? undefined : (i as SensitivityLevel);
}

interface Rule {
  readonly pattern: string;
  readonly re: RegExp;
  readonly level: SensitivityLevel;
  readonly specificity: number;
  readonly wildcards: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** An ARN pattern as a regex (fields as IAM matches them), or undefined when it is not an ARN pattern. */
export function compileArnPattern(pattern: string): RegExp | undefined {
  if (pattern === '*') return /^arn:/;
  const fields = pattern.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') return undefined;
  const head = fields.slice(0, 5).map((f) => [...f].map((c) => (c === '*' ? '[^:]*' : c === '?' ? '[^:]' : escape(c))).join(''));
  const tail = [...fields.slice(5).join(':')].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : escape(c))).join('');
  return new RegExp(`^${head.join(':')}:${tail}$`);
}

export class SensitivityClassifier implements ContextProvider {
  private readonly rules: readonly Rule[];

  constructor(rules: readonly Rule[], private readonly highest: boolean, private readonly tagKey: string | undefined) {
    // Sorted once so that the first match is the answer: by specificity (unless `highest`), then level.
    const order = (a: Rule, b: Rule): number => b.specificity - a.specificity || a.wildcards - b.wildcards;
    this.rules = [...rules].sort((a, b) => (highest ? 0 : order(a, b)) || b.level - a.level);
  }

  /** The map's level for a resource ARN; undefined when no pattern matches (or `*`, not an ARN). */
  levelOf(resource: string): SensitivityLevel | undefined {
    if (!resource.startsWith('arn:')) return undefined;
    for (const r of this.rules) if (r.re.test(resource)) return r.level;
    return undefined;
  }

  derive(req: DeriveRequest, out: DeriveSink): void {
    let level = this.levelOf(req.request.resource);
    if (this.tagKey !== undefined && req.request.resource.startsWith('arn:')) {
      const key = `aws:ResourceTag/${this.tagKey}`;
      const text = req.context.single(key, out);
      if (text !== undefined) {
        const tagged = parseLevel(text);
        if (tagged === undefined) {
          out.report('context/invalid-tag-level', 'info', `context.${key}`, `\`${text}\` is not a sensitivity level`, `tag with \`0\`–\`3\` or ${SENSITIVITY_LEVELS.map((n) => `\`${n}\``).join(', ')}; \`${DATA_SENSITIVITY}\` is not derived while the tag is unreadable`);
          return;
        }
        level = level === undefined ? tagged : (Math.max(level, tagged) as SensitivityLevel);
      }
    }
    if (level !== undefined) out.set(DATA_SENSITIVITY, String(level));
  }
}

/** Compiles `sensitivity`: malformed patterns and levels are errors. */
export function compileSensitivity(value: unknown, path: string, sink: DiagnosticSink): SensitivityClassifier | undefined {
  const cfg = optionalObject(value, path, sink);
  if (cfg === undefined) return undefined;
  checkMembers(cfg, ['resources', 'precedence', 'tagKey'], path, sink);
  const rules: Rule[] = [];
  const listPath = member(path, 'resources');
  (optionalArray(cfg['resources'], listPath, sink) ?? []).forEach((entry, i) => {
    const at = `${listPath}[${i}]`;
    const e = optionalObject(entry, at, sink);
    if (e === undefined) return;
    checkMembers(e, ['pattern', 'level'], at, sink);
    const pattern = requireString(e['pattern'], member(at, 'pattern'), sink);
    const re = pattern === undefined ? undefined : compileArnPattern(pattern);
    if (pattern !== undefined && re === undefined) {
      sink.error('context/invalid-arn-pattern', member(at, 'pattern'), `\`${pattern}\` is not \`*\` or an ARN pattern`, 'write `arn:partition:service:region:account:resource` with `*`/`?` wildcards, e.g. `arn:aws:s3:::hr-*`');
    }
    const level = parseLevel(e['level']);
    if (level === undefined) {
      const shown = typeof e['level'] === 'string' || typeof e['level'] === 'number' ? `\`${String(e['level'])}\`` : typeName(e['level']);
      sink.error('context/invalid-level', member(at, 'level'), `${shown} is not a sensitivity level`, `write 0–3 or ${SENSITIVITY_LEVELS.map((n) => `\`${n}\``).join(', ')}`);
    }
    if (pattern !== undefined && re !== undefined && level !== undefined) {
      const literal = pattern.replace(/[*?]/g, '').length;
      rules.push({ pattern, re, level, specificity: literal, wildcards: pattern.length - literal });
    }
  });
  const precedence = cfg['precedence'];
  if (precedence !== undefined && precedence !== 'most-specific' && precedence !== 'highest') {
    sink.error('context/invalid-config', member(path, 'precedence'), `\`precedence\` is ${JSON.stringify(precedence)}`, 'write `"most-specific"` (the default) or `"highest"`');
  }
  const tagKey = cfg['tagKey'] === undefined ? undefined : requireString(cfg['tagKey'], member(path, 'tagKey'), sink);
  return new SensitivityClassifier(rules, precedence === 'highest', tagKey);
}
