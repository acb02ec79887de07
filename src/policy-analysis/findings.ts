/**
 * Findings about what one identity-style policy grants: overly permissive grants, known
 * privilege-escalation paths, statements that can never take effect, and a 0–100 risk score.
 *
 * "Grants" is decided exactly (the cube search): an escalation rule fires only when some request
 * for each of its actions is allowed — under some context, past every Deny.
 */
import { parsePolicy, type PolicyInput, type ServiceCatalog } from '../policy/index.js';
import { intersectCubes, type Cube } from './cube.js';
import { ESCALATION_RULES, type EscalationRule } from './escalation-rules.js';
import { BudgetExceeded, regionsOutside, type SearchBudget } from './search.js';
import { keyShapes } from './shapes.js';
import { StringSet } from './string-set.js';
import { SetCache, translate, unsupported, type StatementOrigin, type Term } from './translate.js';

export type FindingKind = 'public-principal' | 'service-wildcard' | 'not-action-allow' | 'star-resource-write' | 'escalation' | 'shadowed-by-deny' | 'redundant-allow';

export interface PolicyFinding {
  readonly kind: FindingKind;
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  readonly message: string;
  readonly statements: readonly StatementOrigin[];
  /** For escalation findings: the rule and the actions that satisfy it. */
  readonly rule?: EscalationRule;
}

export interface PolicyFindings {
  readonly findings: readonly PolicyFinding[];
  /** 0 (grants little) to 100 (grants a path to everything). */
  readonly riskScore: number;
  /** Why some findings could not be decided exactly (policy variables, principals). */
  readonly limits: readonly string[];
}

const WEIGHT: Record<PolicyFinding['severity'], number> = { critical: 45, high: 20, medium: 8, low: 2 };

export function policyFindings(input: PolicyInput, options: { catalog?: ServiceCatalog; rules?: readonly EscalationRule[] } = {}): PolicyFindings {
  // A document with Principal elements is a resource-based policy: parse it as one.
  const asIdentity = parsePolicy(input, { policyType: 'identity' });
  const resourceBased = asIdentity.diagnostics.some((d) => d.code === 'policy/principal-not-allowed');
  const doc = resourceBased ? parsePolicy(input, { policyType: 'resource' }).document : asIdentity.document;
  if (doc === undefined) return { findings: [], riskScore: 0, limits: ['the policy does not parse'] };
  const findings: PolicyFinding[] = [...syntacticFindings(doc.statements.map((s) => ({ s, origin: originOf(s) })), options.catalog)];
  const limits = unsupported([doc]);
  const shapes = keyShapes([doc]);
  if (limits.length === 0 && shapes.ok) {
    const t = translate([doc], shapes.shapes, new SetCache());
    if (t.ok) {
      try {
        findings.push(...escalations(t.term, options.rules ?? ESCALATION_RULES), ...deadStatements(t.term));
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        limits.push('the search for escalation paths exceeded its budget');
      }
    }
  } else if (!shapes.ok) limits.push(...shapes.reasons);
  const raw = findings.reduce((n, f) => n + WEIGHT[f.severity], 0);
  return { findings, riskScore: Math.min(100, Math.round(raw)), limits };
}

type Located = { s: ReturnType<typeof parsePolicy>['document'] extends infer D ? (D extends { statements: readonly (infer S)[] } ? S : never) : never; origin: StatementOrigin };

function originOf(s: Located['s']): StatementOrigin {
  return s.sid === undefined ? { policy: 0, statement: s.index } : { policy: 0, statement: s.index, sid: s.sid };
}

function syntacticFindings(statements: readonly Located[], catalog: ServiceCatalog | undefined): PolicyFinding[] {
  const out: PolicyFinding[] = [];
  for (const { s, origin } of statements) {
    if (s.effect !== 'Allow') continue;
    if (s.principal !== undefined && !s.principal.negated && s.principal.anyone && s.conditions.length === 0) {
      out.push({ kind: 'public-principal', severity: 'critical', message: 'allows anyone, including anonymous callers from any account (`Principal: *` without conditions)', statements: [origin] });
    }
    if (s.action.negated) {
      out.push({ kind: 'not-action-allow', severity: 'high', message: 'Allow with NotAction grants every action not listed, including services added later', statements: [origin] });
      continue;
    }
    const wild = s.action.patterns.filter((p) => p.value === '*' || /^[^:]+:\*$/.test(p.value)).map((p) => p.value);
    if (wild.length > 0) {
      out.push({ kind: 'service-wildcard', severity: wild.includes('*') ? 'critical' : 'medium', message: `grants ${wild.map((w) => `\`${w}\``).join(', ')}: every action of ${wild.includes('*') ? 'every service' : 'the service'}`, statements: [origin] });
    }
    const starResource = s.resource === undefined || s.resource.negated || s.resource.patterns.some((p) => p.value === '*');
    if (starResource && catalog !== undefined) {
      const risky = writeActions(s.action.patterns.map((p) => p.value), catalog);
      if (risky.length > 0) {
        const pm = risky.some((a) => a.level.startsWith('Permissions'));
        out.push({ kind: 'star-resource-write', severity: pm ? 'high' : 'medium', message: `${pm ? 'permissions-management' : 'write'} actions on every resource: ${risky.slice(0, 4).map((a) => `\`${a.name}\``).join(', ')}${risky.length > 4 ? ` and ${risky.length - 4} more` : ''}`, statements: [origin] });
      }
    }
  }
  return out;
}

function writeActions(patterns: readonly string[], catalog: ServiceCatalog): { name: string; level: string }[] {
  const out: { name: string; level: string }[] = [];
  for (const p of patterns) {
    const [service = '', name = ''] = p.toLowerCase().split(':');
    const info = catalog.service(service);
    if (info === undefined) continue;
    const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    for (const [key, a] of info.actions) if (re.test(key) && (a.accessLevel.includes('Write') || a.accessLevel.startsWith('Permissions'))) out.push({ name: `${service}:${a.name}`, level: a.accessLevel });
  }
  return out;
}

/** Does the term allow some request whose action is `action` (exact, lower-cased)? Which statements? */
function grantsAction(term: Term, action: string, budget: SearchBudget): StatementOrigin[] {
  const only: Cube = { action: StringSet.literal('lower', action.toLowerCase()), resource: StringSet.all('any'), keys: new Map() };
  const denies = term.denies.map((d) => d.cube);
  const by: StatementOrigin[] = [];
  for (const a of term.allows) {
    if (regionsOutside(intersectCubes(a.cube, only), denies, 1, budget).length > 0) by.push(a.origin);
  }
  return by;
}

function escalations(term: Term, rules: readonly EscalationRule[]): PolicyFinding[] {
  const budget: SearchBudget = { steps: 100_000 };
  const memo = new Map<string, StatementOrigin[]>();
  const grants = (a: string) => {
    let r = memo.get(a);
    if (r === undefined) {
      r = grantsAction(term, a, budget);
      memo.set(a, r);
    }
    return r;
  };
  const out: PolicyFinding[] = [];
  for (const rule of rules) {
    const satisfied = rule.requires.map((anyOf) => anyOf.find((a) => grants(a).length > 0));
    if (satisfied.every((a) => a !== undefined)) {
      const statements = [...new Map(satisfied.flatMap((a) => grants(a as string)).map((o) => [`${o.statement}`, o])).values()];
      out.push({ kind: 'escalation', severity: rule.severity, message: `${rule.title}: grants ${satisfied.map((a) => `\`${a}\``).join(' + ')}`, statements, rule });
    }
  }
  return out;
}

function deadStatements(term: Term): PolicyFinding[] {
  const budget: SearchBudget = { steps: 100_000 };
  const denies = term.denies.map((d) => d.cube);
  const out: PolicyFinding[] = [];
  term.allows.forEach((a, i) => {
    if (regionsOutside(a.cube, denies, 1, budget).length === 0) {
      out.push({ kind: 'shadowed-by-deny', severity: 'low', message: 'this Allow never takes effect: Deny statements of the policy cover all it grants', statements: [a.origin] });
      return;
    }
    const others = term.allows.filter((_, j) => j !== i).map((o) => o.cube);
    if (others.length > 0 && regionsOutside(a.cube, [...denies, ...others], 1, budget).length === 0) {
      out.push({ kind: 'redundant-allow', severity: 'low', message: 'other Allow statements of the policy already grant all this one does', statements: [a.origin] });
    }
  });
  return out;
}
