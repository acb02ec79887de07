/**
 * The synthesis engine: from pinned fragment versions and parameter values to a minimal merged IAM
 * policy that is proven to grant nothing outside the delegator's boundary and own permissions —
 * or diagnostics naming the offending fragments (and, for containment, the counterexample).
 *
 * Steps: resolve versions (approved, or pinned deprecated with a warning) → bind parameters →
 * check signatures (requires, conflicts, exclusive groups, risk budget) → merge statements →
 * validate the policy → escalation paths → containment in boundary ∩ delegator (exact analysis).
 * Pure: fragment versions come in through `resolve`; nothing is read or written here.
 */
import { policyFindings, type Analyzer, type Containment, type EscalationRule, type PolicyFinding } from '../policy-analysis/index.js';
import { validatePolicy, type AuthorizationRequest, type PolicyInput, type ServiceCatalog } from '../policy/index.js';
import { bindFragment } from './bind.js';
import { contentHash } from './canonical.js';
import { fragmentDiagnostic, hasFragmentErrors, type FragmentDiagnostic } from './fragment-diagnostics.js';
import { usability } from './lifecycle.js';
import { mergeStatements, splitIntoPolicies } from './merge.js';
import { formatRef, type FragmentRef, type FragmentVersion } from './model.js';
import { checkSignatures } from './signatures.js';

export interface SynthesisRequest {
  readonly fragments: readonly { readonly ref: FragmentRef; readonly params?: Readonly<Record<string, string>> }[];
  /** The delegator's permissions boundary: the synthesized policy must stay within it. */
  readonly boundary: PolicyInput;
  /**
   * The delegator's own identity policies: the result must stay within them too. An empty list
   * is a delegator who holds nothing, so nothing can be delegated; absent means not checked.
   */
  readonly delegator?: readonly PolicyInput[];
  /**
   * The permissions boundaries on the delegator's own policies (any of them bounds it, as the
   * engine takes several boundary documents): the delegator holds only what they and the
   * delegator's policies both allow, so the result must stay within them as well.
   */
  readonly delegatorBoundaries?: readonly PolicyInput[];
  /** Maximum sum of the fragments' signature risk budgets. */
  readonly riskBudget?: number;
}

export interface SynthesisEnvironment {
  resolve(ref: FragmentRef): FragmentVersion | undefined;
  /** Reused across syntheses: it keeps the automata of boundaries it has seen. */
  readonly analyzer: Analyzer;
  readonly catalog?: ServiceCatalog;
  readonly escalationRules?: readonly EscalationRule[];
}

export interface SynthesisRecord {
  readonly fragments: readonly { readonly ref: string; readonly hash: string; readonly params: Readonly<Record<string, string>> }[];
  readonly boundaryHash: string;
  readonly delegatorHash: string | null;
  readonly riskBudget: number | null;
  /** Hash of the merged policy documents. */
  readonly resultHash: string;
}

export interface SynthesisResult {
  /** The merged policy, split into managed-policy-sized documents when needed; undefined on errors. */
  readonly policies?: readonly Readonly<Record<string, unknown>>[];
  readonly record?: SynthesisRecord;
  readonly diagnostics: readonly FragmentDiagnostic[];
  /** The containment verdict against boundary ∩ delegator, when the analysis ran. */
  readonly containment?: Containment;
  /** Findings on the merged policy (permissive grants, escalation paths, dead statements). */
  readonly findings: readonly PolicyFinding[];
  readonly riskScore: number;
  /** Sum of the fragments' risk budgets. */
  readonly riskCost: number;
}

export function synthesize(request: SynthesisRequest, env: SynthesisEnvironment): SynthesisResult {
  const diagnostics: FragmentDiagnostic[] = [];
  const versions: FragmentVersion[] = [];
  const statements: Record<string, unknown>[] = [];
  const origins = new Map<string, string[]>(); // action (lower) → fragments granting it, for naming culprits
  const used: { ref: string; hash: string; params: Record<string, string> }[] = [];
  const seen = new Set<string>();
  for (const { ref, params = {} } of request.fragments) {
    const name = formatRef(ref);
    if (seen.has(ref.id)) {
      diagnostics.push(fragmentDiagnostic('synthesis/duplicate-fragment', `\`${ref.id}\` appears twice`, 'list each fragment once', { fragment: name }));
      continue;
    }
    seen.add(ref.id);
    const v = env.resolve(ref);
    if (v === undefined) {
      diagnostics.push(fragmentDiagnostic('synthesis/unknown-fragment', `there is no fragment \`${name}\``, '`tessera fragment list` shows the fragments and their versions', { fragment: name }));
      continue;
    }
    const use = usability(v.status);
    if (!use.usable) {
      diagnostics.push(fragmentDiagnostic('synthesis/not-usable', `\`${name}\` cannot be used: ${use.reason}`, 'pin an approved version', { fragment: name }));
      continue;
    }
    if (use.warning !== undefined) diagnostics.push(fragmentDiagnostic('synthesis/deprecated', `\`${name}\`: ${use.warning}`, 'see `tessera fragment show` for newer versions', { fragment: name }));
    const bound = bindFragment(v.content, params, name);
    diagnostics.push(...bound.diagnostics);
    if (bound.bound === undefined) continue;
    versions.push(v);
    used.push({ ref: name, hash: v.hash, params: { ...bound.bound.params } });
    for (const s of bound.bound.statements) {
      statements.push(s as Record<string, unknown>);
      if (s.Effect === 'Allow') for (const a of [s.Action ?? []].flat() as string[]) origins.set(a.toLowerCase(), [...(origins.get(a.toLowerCase()) ?? []), name]);
    }
  }
  diagnostics.push(...checkSignatures(versions, request.riskBudget));
  const riskCost = versions.reduce((n, v) => n + v.content.signature.riskBudget, 0);
  const failed = (extra: Partial<SynthesisResult> = {}): SynthesisResult => ({ diagnostics, findings: [], riskScore: 0, riskCost, ...extra });
  if (hasFragmentErrors(diagnostics)) return failed();

  const inputs = [
    ['boundary', request.boundary] as const,
    ...(request.delegator ?? []).map((d, i) => [`delegator[${i}]`, d] as const),
    ...(request.delegatorBoundaries ?? []).map((d, i) => [`delegatorBoundaries[${i}]`, d] as const),
  ];
  for (const [label, input] of inputs) {
    const errors = validatePolicy(input, { policyType: 'identity' }).filter((d) => d.severity === 'error');
    for (const e of errors) diagnostics.push(fragmentDiagnostic('synthesis/invalid-boundary', `${label}: ${e.message}`, e.help, { path: e.path }));
  }
  if (hasFragmentErrors(diagnostics)) return failed();

  const merged = mergeStatements(statements);
  const docs = splitIntoPolicies(merged)?.map((Statement) => ({ Version: '2012-10-17', Statement }));
  if (docs === undefined) return failed({ diagnostics: [...diagnostics, fragmentDiagnostic('synthesis/too-large', 'a single merged statement is larger than a managed policy may be', 'narrow the parameters or split the fragment', {})] });
  for (const d of docs) {
    for (const e of validatePolicy(JSON.stringify(d), env.catalog === undefined ? { policyType: 'identity' } : { policyType: 'identity', catalog: env.catalog })) {
      if (e.severity === 'error') diagnostics.push({ ...e, fragment: culprits(e.message, origins) });
    }
  }
  if (hasFragmentErrors(diagnostics)) return failed();

  // Escalation paths over the whole result (the composition can form one no single fragment does).
  const allStatements = { Version: '2012-10-17', Statement: merged };
  const f = policyFindings(allStatements, env.catalog === undefined ? { rules: env.escalationRules } : { catalog: env.catalog, rules: env.escalationRules });
  for (const finding of f.findings.filter((x) => x.kind === 'escalation')) {
    const actions = finding.rule?.requires.flat().map((a) => a.toLowerCase()) ?? [];
    const names = [...new Set(actions.flatMap((a) => origins.get(a) ?? []).concat(patternCulprits(actions, origins)))];
    diagnostics.push(fragmentDiagnostic('synthesis/escalation-path', `the composition grants a privilege-escalation path: ${finding.message}`, `${finding.rule?.description ?? ''} Remove one of: ${names.join(', ') || 'the fragments involved'}.`.trim(), { fragment: names.join(', ') }));
  }

  // Containment in boundary ∩ delegator, proven over every request and context. Each group is
  // named for the diagnostic that says which one refuses the counterexample.
  const groups: { name: string; policies: PolicyInput[] }[] = [{ name: 'the boundary', policies: [request.boundary] }];
  if (request.delegator !== undefined) groups.push({ name: "the delegator's own permissions", policies: [...request.delegator] });
  if (request.delegatorBoundaries !== undefined && request.delegatorBoundaries.length > 0) groups.push({ name: "the boundary on the delegator's own permissions", policies: [...request.delegatorBoundaries] });
  const analysis = env.analyzer.contains(docs, groups.map((g) => g.policies));
  let containment: Containment | undefined;
  if (!analysis.ok) diagnostics.push(...analysis.diagnostics.map((d) => ({ ...d })));
  else {
    containment = analysis.result;
    if (containment.verdict === 'not-contained') {
      const cx = containment.counterexample;
      const where = groups[containment.region.refusedBy.within]?.name ?? 'the boundary';
      const help = where === 'the boundary' ? 'narrow the parameters, or remove the fragment that grants it' : 'narrow the parameters, or remove the fragment that grants it: a delegator cannot grant what it does not hold itself';
      diagnostics.push(fragmentDiagnostic('synthesis/not-contained', `the result allows ${describe(cx)}, which is outside ${where}`, help, { fragment: culprits(cx.action, origins) }));
    } else if (containment.verdict === 'unknown') {
      diagnostics.push(fragmentDiagnostic('synthesis/unprovable', `containment could not be proven: ${containment.reasons.join('; ')}`, 'a policy is approved only when the analysis proves it stays within the boundary', {}));
    }
  }
  const record: SynthesisRecord = {
    fragments: used,
    boundaryHash: contentHash(asValue(request.boundary)),
    delegatorHash: delegatorHash(request),
    riskBudget: request.riskBudget ?? null,
    resultHash: contentHash(docs),
  };
  const base = { diagnostics, findings: f.findings, riskScore: f.riskScore, riskCost, record };
  const withContainment = containment === undefined ? base : { ...base, containment };
  return hasFragmentErrors(diagnostics) ? withContainment : { ...withContainment, policies: docs };
}

/** The delegator's policies (as before boundaries were added, when there are none) and their boundaries. */
function delegatorHash(request: SynthesisRequest): string | null {
  if (request.delegator === undefined) return null;
  const policies = request.delegator.map(asValue);
  const boundaries = (request.delegatorBoundaries ?? []).map(asValue);
  return contentHash(boundaries.length === 0 ? policies : { policies, boundaries });
}

function asValue(input: PolicyInput): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

function describe(r: AuthorizationRequest): string {
  const ctx = Object.entries(r.context ?? {});
  return `\`${r.action}\` on \`${r.resource}\`${ctx.length > 0 ? ` when ${ctx.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}` : ' with no context keys'}`;
}

/** The fragments whose Allow actions mention the text (a message or an action). */
function culprits(text: string, origins: ReadonlyMap<string, readonly string[]>): string | undefined {
  const lower = text.toLowerCase();
  const names = [...new Set([...origins].filter(([a]) => lower.includes(a) || wildcardMatch(a, lower)).flatMap(([, n]) => n))];
  return names.length > 0 ? names.join(', ') : undefined;
}

function patternCulprits(actions: readonly string[], origins: ReadonlyMap<string, readonly string[]>): string[] {
  return [...origins].filter(([p]) => actions.some((a) => wildcardMatch(p, a))).flatMap(([, n]) => n);
}

function wildcardMatch(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

