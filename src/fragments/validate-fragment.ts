/**
 * Validates a fragment definition (JSON as authored) into FragmentContent, or diagnostics: field
 * types, id, risk, parameter patterns and defaults, `${slot}` use, required conditions present in
 * every statement, signature form, and the statements themselves as IAM (bound with sample values,
 * through the policy validator).
 */
import { validatePolicy, type ServiceCatalog } from '../policy/index.js';
import { parameterProblem, slotsIn, strings, bindFragment } from './bind.js';
import { fragmentDiagnostic, type FragmentDiagnostic } from './fragment-diagnostics.js';
import type { FragmentContent, ParameterSpec, RequiredCondition, SynthesisSignature } from './model.js';

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FIELDS = ['id', 'title', 'description', 'resourceType', 'owner', 'tags', 'risk', 'parameters', 'requiredConditions', 'statements', 'signature'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function validateFragment(input: unknown, options: { catalog?: ServiceCatalog } = {}): { content?: FragmentContent; diagnostics: FragmentDiagnostic[] } {
  const out: FragmentDiagnostic[] = [];
  const bad = (path: string, message: string, help: string) => out.push(fragmentDiagnostic('fragment/invalid-definition', message, help, { path, fragment: isObj(input) && typeof input.id === 'string' ? input.id : undefined }));
  if (!isObj(input)) {
    bad('', 'a fragment must be a JSON object', 'see catalog/fragments/ for examples');
    return { diagnostics: out };
  }
  const fragment = typeof input.id === 'string' ? input.id : undefined;
  for (const k of Object.keys(input)) if (!FIELDS.includes(k)) bad(k, `\`${k}\` is not a fragment field`, `fields: ${FIELDS.join(', ')}`);
  for (const k of ['id', 'title', 'description', 'resourceType', 'owner'] as const) {
    if (typeof input[k] !== 'string' || (input[k] as string).trim() === '') bad(k, `\`${k}\` must be a non-empty string`, `add \`"${k}": "..."\``);
  }
  if (fragment !== undefined && !ID.test(fragment)) out.push(fragmentDiagnostic('fragment/invalid-id', `\`${fragment}\` is not a fragment id`, 'use lower-case letters, digits and dashes (at most 63), starting with a letter or digit', { path: 'id', fragment }));
  if (typeof input.resourceType === 'string' && !/^[a-z0-9-]+:[A-Za-z0-9-]+$/.test(input.resourceType)) bad('resourceType', `\`${input.resourceType}\` is not \`service:resource-type\``, 'e.g. `s3:object`, `dynamodb:table`');
  if (!isStrings(input.tags)) bad('tags', '`tags` must be a list of strings', 'write `"tags": ["s3", "read"]`');
  if (typeof input.risk !== 'number' || !Number.isFinite(input.risk) || input.risk < 0 || input.risk > 100) {
    out.push(fragmentDiagnostic('fragment/invalid-risk', '`risk` must be a number from 0 to 100', '0 grants nothing sensitive; 100 grants control of the account', { path: 'risk', fragment }));
  }
  const parameters = readParameters(input.parameters, fragment, out);
  const required = readRequired(input.requiredConditions, fragment, out);
  const signature = readSignature(input.signature, fragment, out);
  const statements = Array.isArray(input.statements) && input.statements.length > 0 && input.statements.every(isObj) ? (input.statements as Obj[]) : undefined;
  if (statements === undefined) bad('statements', '`statements` must be a non-empty list of IAM statements', 'write `"statements": [{"Effect": "Allow", "Action": "...", "Resource": "..."}]`');
  if (out.some((d) => d.severity === 'error') || parameters === undefined || statements === undefined || required === undefined || signature === undefined) return { diagnostics: out };

  const content: FragmentContent = {
    id: input.id as string, title: input.title as string, description: input.description as string, resourceType: input.resourceType as string,
    owner: input.owner as string, tags: input.tags as string[], risk: input.risk as number, parameters, requiredConditions: required, statements, signature,
  };
  checkSlots(content, out);
  checkRequiredConditions(content, out);
  checkStatements(content, options.catalog, out);
  return out.some((d) => d.severity === 'error') ? { diagnostics: out } : { content, diagnostics: out };
}

function readParameters(v: unknown, fragment: string | undefined, out: FragmentDiagnostic[]): Record<string, ParameterSpec> | undefined {
  if (v === undefined) return {};
  if (!isObj(v)) {
    out.push(fragmentDiagnostic('fragment/invalid-definition', '`parameters` must be an object of parameter specs', 'write `"parameters": {"bucket": {"pattern": "[a-z0-9.-]{3,63}"}}`', { path: 'parameters', fragment }));
    return undefined;
  }
  const params: Record<string, ParameterSpec> = {};
  for (const [name, spec] of Object.entries(v)) {
    const path = `parameters.${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !isObj(spec)) {
      out.push(fragmentDiagnostic('fragment/invalid-definition', `parameter \`${name}\` must be an identifier with an object spec`, 'write `"name": {"pattern": "...", "description": "..."}`', { path, fragment }));
      continue;
    }
    if (spec.pattern !== undefined) {
      try {
        new RegExp(String(spec.pattern), 'u');
      } catch (e) {
        out.push(fragmentDiagnostic('fragment/invalid-pattern', `the pattern of \`${name}\` does not compile: ${(e as Error).message}`, 'write a JavaScript regular expression (it is anchored for you)', { path: `${path}.pattern`, fragment }));
        continue;
      }
    }
    if ((spec.enum !== undefined && !isStrings(spec.enum)) || (spec.default !== undefined && typeof spec.default !== 'string') || (spec.pattern !== undefined && typeof spec.pattern !== 'string')) {
      out.push(fragmentDiagnostic('fragment/invalid-definition', `parameter \`${name}\` has a field of the wrong type`, '`pattern` and `default` are strings, `enum` a list of strings, `allowWildcards` a boolean', { path, fragment }));
      continue;
    }
    params[name] = spec as ParameterSpec;
    const d = spec.default;
    if (typeof d === 'string') {
      const problem = parameterProblem(name, spec as ParameterSpec, d);
      if (problem !== undefined) out.push(fragmentDiagnostic('fragment/invalid-default', `the default of \`${name}\`: ${problem}`, 'fix the default or the constraint', { path: `${path}.default`, fragment }));
    }
  }
  return params;
}

function readRequired(v: unknown, fragment: string | undefined, out: FragmentDiagnostic[]): RequiredCondition[] | undefined {
  if (v === undefined) return [];
  const ok = Array.isArray(v) && v.every((r) => isObj(r) && typeof r.name === 'string' && typeof r.operator === 'string' && typeof r.key === 'string' && (r.values === undefined || isStrings(r.values)));
  if (!ok) {
    out.push(fragmentDiagnostic('fragment/invalid-definition', '`requiredConditions` must list `{name, operator, key, values?}`', 'e.g. `{"name": "mfa", "operator": "Bool", "key": "aws:MultiFactorAuthPresent", "values": ["true"]}`', { path: 'requiredConditions', fragment }));
    return undefined;
  }
  return v as RequiredCondition[];
}

function readSignature(v: unknown, fragment: string | undefined, out: FragmentDiagnostic[]): SynthesisSignature | undefined {
  const fail = (path: string, message: string) => {
    out.push(fragmentDiagnostic('fragment/invalid-signature', message, 'a signature is `{provides: [], requires: [], conflictsWith: ["tag:x" or "fragment:id"], exclusiveGroup?, riskBudget}`', { path, fragment }));
    return undefined;
  };
  if (!isObj(v)) return fail('signature', '`signature` must be an object');
  for (const k of ['provides', 'requires', 'conflictsWith'] as const) if (!isStrings(v[k])) return fail(`signature.${k}`, `\`signature.${k}\` must be a list of strings`);
  const conflicts = v.conflictsWith as string[];
  const badConflict = conflicts.find((c) => !/^(tag|fragment):.+/.test(c));
  if (badConflict !== undefined) return fail('signature.conflictsWith', `\`${badConflict}\` must start with \`tag:\` or \`fragment:\``);
  if (v.exclusiveGroup !== undefined && typeof v.exclusiveGroup !== 'string') return fail('signature.exclusiveGroup', '`exclusiveGroup` must be a string');
  if (typeof v.riskBudget !== 'number' || v.riskBudget < 0) return fail('signature.riskBudget', '`riskBudget` must be a number ≥ 0');
  return v as unknown as SynthesisSignature;
}

function checkSlots(content: FragmentContent, out: FragmentDiagnostic[]): void {
  const used = new Set(strings(content.statements).flatMap(slotsIn));
  for (const name of used) {
    if (!(name in content.parameters)) out.push(fragmentDiagnostic('fragment/undeclared-parameter', `\`\${${name}}\` is used but not declared`, `declare it under \`parameters\`, or write IAM variables with their namespace (\`\${aws:username}\`)`, { fragment: content.id, path: 'statements' }));
  }
  for (const name of Object.keys(content.parameters)) {
    if (!used.has(name)) out.push(fragmentDiagnostic('fragment/unused-parameter', `parameter \`${name}\` is not used by any statement`, 'remove it, or use it as `${' + name + '}`', { fragment: content.id, path: `parameters.${name}` }));
  }
}

function checkRequiredConditions(content: FragmentContent, out: FragmentDiagnostic[]): void {
  content.statements.forEach((s, i) => {
    const condition = isObj(s.Condition) ? s.Condition : {};
    for (const r of content.requiredConditions) {
      const block = condition[r.operator];
      const has = isObj(block) && Object.keys(block).some((k) => k.toLowerCase() === r.key.toLowerCase());
      if (!has) out.push(fragmentDiagnostic('fragment/required-condition-missing', `statement ${i} lacks the required \`${r.name}\` condition (\`${r.operator}\` on \`${r.key}\`)`, 'every statement of a fragment carries its required conditions', { fragment: content.id, path: `statements[${i}].Condition` }));
    }
  });
}

/** Binds with samples (defaults, enum values, or a neutral value) and runs the policy validator. */
function checkStatements(content: FragmentContent, catalog: ServiceCatalog | undefined, out: FragmentDiagnostic[]): void {
  const samples: Record<string, string> = {};
  for (const [name, spec] of Object.entries(content.parameters)) {
    samples[name] = spec.default ?? spec.enum?.[0] ?? (/account/i.test(name) ? '111122223333' : /region/i.test(name) ? 'us-east-1' : 'example');
  }
  const { bound } = bindFragment({ ...content, parameters: Object.fromEntries(Object.entries(content.parameters).map(([k, v]) => [k, { ...v, pattern: undefined, enum: undefined, allowWildcards: true }])) }, samples, content.id);
  if (bound === undefined) return;
  const text = JSON.stringify({ Version: '2012-10-17', Statement: bound.statements });
  for (const d of validatePolicy(text, catalog === undefined ? { policyType: 'identity' } : { policyType: 'identity', catalog })) {
    if (d.severity === 'error') out.push(fragmentDiagnostic('fragment/invalid-statement', `${d.message} (${d.code})`, d.help, { fragment: content.id, path: d.path === undefined ? 'statements' : d.path.replace(/^Statement/, 'statements') }));
    else out.push({ ...d, fragment: content.id });
  }
}
