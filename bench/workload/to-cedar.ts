/**
 * Translates an IAM workload into the same decision problem for Cedar: one policy per IAM
 * statement, one entity per request's resource, and the request context with Cedar types.
 *
 * Choices (see bench/README.md, "Translating IAM to Cedar"):
 * - Effect: Allow → `permit`, Deny → `forbid`. Cedar's own rules then give IAM's: a satisfied
 *   forbid wins, and no satisfied permit means deny.
 * - Principal: unconstrained. The set is one principal's identity policies.
 * - Action: in the policy scope, `action == Action::"s3:GetObject"` or `action in [...]`. A wildcard
 *   (`s3:Get*`) is expanded against the workload's closed action universe: exact for every request
 *   the workload makes, and the scope check is a hash-set lookup with no entity data per request
 *   (an action group or a `like` on an action attribute would need action entities in every call).
 *   `*` alone leaves the action unconstrained.
 * - Resource: `resource.arn like "..."`. IAM's `*` does not cross ARN fields except in the last, so
 *   a plain `like` is exact only when the first five fields have no wildcard; other patterns
 *   (region `*`) compare field by field on attributes the entity carries for that purpose.
 * - Conditions: each key is a context attribute named by its lower-cased IAM key (IAM key names are
 *   case-insensitive): `context has "k" && ...` for positive operators (a missing key makes them
 *   false), `!(context has "k") || ...` for negated operators and `...IfExists`. Addresses are
 *   `ipaddr` (`isInRange`), dates `datetime`, numbers `Long`, booleans `Bool`.
 *
 * Anything the translation could not make exact (a `?` wildcard, NotAction, policy variables, set
 * operators, non-integer numbers, multi-valued keys) throws rather than produce a different problem.
 */
import type { Context as CedarContext, CedarValueJson, EntityJson, EntityUid } from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorizationRequest } from '../../src/index.js';
import type { IamPolicyDocument, IamStatement } from './iam-workload.js';

export interface CedarRequest {
  readonly principal: EntityUid;
  readonly action: EntityUid;
  readonly resource: EntityUid;
  readonly context: CedarContext;
  readonly entities: EntityJson[];
}

export interface CedarWorkload {
  /** Policy text by id; the id names the IAM statement, `identity[<doc>]#<statement>`. */
  readonly policies: Record<string, string>;
  readonly requests: readonly CedarRequest[];
}

type Family = 'string' | 'ip' | 'date' | 'long' | 'bool';

interface OperatorDef {
  readonly family: Family;
  readonly negated: boolean;
  /** The Cedar test of one policy value against the attribute `lhs` (for negated operators: of the positive one). */
  test(lhs: string, value: string): string;
}

/** Cedar string literal. */
export function cedarString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Cedar `like` pattern from an IAM glob: `*` stays a wildcard; `?` has no Cedar equivalent. */
function likePattern(glob: string): string {
  if (glob.includes('?')) throw new Error(`IAM \`?\` wildcard in \`${glob}\` has no exact Cedar translation`);
  // IAM has no literal `*` (only `${*}`, which the workload does not use), so every `*` is a
  // wildcard in both languages and the string escapes are all a pattern needs.
  return cedarString(glob);
}

/** Canonical ISO instant for Cedar's `datetime()` (it takes `YYYY-MM-DDThh:mm:ss[.sss]Z`). */
function cedarDate(text: string): string {
  const ms = /^\d{1,13}$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`\`${text}\` is not a date the translation understands`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function cedarLong(text: string): number {
  if (!/^-?\d{1,15}$/.test(text.trim())) throw new Error(`\`${text}\` is not an integer: Cedar Long cannot hold IAM's decimals exactly`);
  return Number(text.trim());
}

function cedarBool(text: string): boolean {
  const t = text.toLowerCase();
  if (t !== 'true' && t !== 'false') throw new Error(`\`${text}\` is not a boolean`);
  return t === 'true';
}

const numeric = (op: string) => (lhs: string, v: string) => `${lhs} ${op} ${cedarLong(v)}`;
const date = (op: string) => (lhs: string, v: string) => `${lhs} ${op} datetime(${cedarString(cedarDate(v))})`;
const stringEq = (lhs: string, v: string) => `${lhs} == ${cedarString(v)}`;
const stringLike = (lhs: string, v: string) => `${lhs} like ${likePattern(v)}`;
const inRange = (lhs: string, v: string) => `${lhs}.isInRange(ip(${cedarString(v)}))`;

const OPERATORS: Readonly<Record<string, OperatorDef>> = {
  StringEquals: { family: 'string', negated: false, test: stringEq },
  StringNotEquals: { family: 'string', negated: true, test: stringEq },
  StringLike: { family: 'string', negated: false, test: stringLike },
  StringNotLike: { family: 'string', negated: true, test: stringLike },
  IpAddress: { family: 'ip', negated: false, test: inRange },
  NotIpAddress: { family: 'ip', negated: true, test: inRange },
  NumericEquals: { family: 'long', negated: false, test: numeric('==') },
  NumericNotEquals: { family: 'long', negated: true, test: numeric('==') },
  NumericLessThan: { family: 'long', negated: false, test: numeric('<') },
  NumericLessThanEquals: { family: 'long', negated: false, test: numeric('<=') },
  NumericGreaterThan: { family: 'long', negated: false, test: numeric('>') },
  NumericGreaterThanEquals: { family: 'long', negated: false, test: numeric('>=') },
  DateEquals: { family: 'date', negated: false, test: date('==') },
  DateNotEquals: { family: 'date', negated: true, test: date('==') },
  DateLessThan: { family: 'date', negated: false, test: date('<') },
  DateLessThanEquals: { family: 'date', negated: false, test: date('<=') },
  DateGreaterThan: { family: 'date', negated: false, test: date('>') },
  DateGreaterThanEquals: { family: 'date', negated: false, test: date('>=') },
  Bool: { family: 'bool', negated: false, test: (lhs, v) => `${lhs} == ${cedarBool(v)}` },
};

const list = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

/** Shared translation state: the Cedar type of each context key, and which ARN fields are needed. */
class Translator {
  readonly keyFamilies = new Map<string, Family>();
  fieldwiseArns = false;

  constructor(private readonly actionUniverse: readonly string[]) {}

  statement(s: IamStatement, where: string): string {
    for (const k of ['NotAction', 'NotResource', 'Principal', 'NotPrincipal']) {
      if (k in s) throw new Error(`${where}: ${k} is not translated`);
    }
    const effect = s.Effect === 'Allow' ? 'permit' : 'forbid';
    const when: string[] = [];
    const resource = this.resources(list(s.Resource), where);
    if (resource !== undefined) when.push(resource);
    for (const [opName, keys] of Object.entries(s.Condition ?? {})) {
      for (const [key, values] of Object.entries(keys)) when.push(this.condition(opName, key, list(values), where));
    }
    const body = when.length === 0 ? '' : `\nwhen { ${when.join(' && ')} }`;
    return `${effect} (principal, ${this.actions(list(s.Action), where)}, resource)${body};`;
  }

  private actions(patterns: readonly string[], where: string): string {
    if (patterns.includes('*')) return 'action';
    const out = new Set<string>();
    for (const p of patterns) {
      if (p.includes('?')) throw new Error(`${where}: \`?\` in action \`${p}\``);
      const re = new RegExp(`^${p.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      for (const a of this.actionUniverse) if (re.test(a.toLowerCase())) out.add(a);
    }
    const uids = [...out].map((a) => `Action::${cedarString(a)}`);
    return uids.length === 1 ? `action == ${uids[0] as string}` : `action in [${uids.join(', ')}]`;
  }

  /** The resource test, or undefined when a `*` pattern makes it always true. */
  private resources(patterns: readonly string[], where: string): string | undefined {
    if (patterns.includes('*')) return undefined;
    const tests = patterns.map((p) => {
      if (p.includes('${')) throw new Error(`${where}: policy variable in \`${p}\``);
      const fields = splitArn(p);
      if (fields === undefined || !fields.slice(0, 5).some((f) => f.includes('*'))) return `resource.arn like ${likePattern(p)}`;
      this.fieldwiseArns = true;
      const parts = ['resource has arnResource'];
      fields.forEach((f, i) => {
        if (f !== '*') parts.push(`resource.${ARN_FIELDS[i] as string} like ${likePattern(f)}`);
      });
      return `(${parts.join(' && ')})`;
    });
    return tests.length === 1 ? (tests[0] as string) : `(${tests.join(' || ')})`;
  }

  private condition(opName: string, key: string, values: readonly string[], where: string): string {
    const ifExists = opName.endsWith('IfExists');
    const base = ifExists ? opName.slice(0, -'IfExists'.length) : opName;
    const op = OPERATORS[base];
    if (op === undefined) throw new Error(`${where}: condition operator ${opName} is not translated`);
    const name = key.toLowerCase();
    const known = this.keyFamilies.get(name);
    if (known !== undefined && known !== op.family) throw new Error(`${where}: key ${key} used as ${known} and as ${op.family}`);
    this.keyFamilies.set(name, op.family);
    const lhs = `context[${cedarString(name)}]`;
    const has = `context has ${cedarString(name)}`;
    const any = values.length === 1 ? op.test(lhs, values[0] as string) : `(${values.map((v) => op.test(lhs, v)).join(' || ')})`;
    if (op.negated) return `(!(${has}) || !(${any}))`;
    return ifExists ? `(!(${has}) || ${any})` : `(${has} && ${any})`;
  }

  /** One request's context with Cedar types; keys no policy reads pass through as strings. */
  context(req: AuthorizationRequest): CedarContext {
    const out: CedarContext = {};
    for (const [key, raw] of Object.entries(req.context ?? {})) {
      if (typeof raw !== 'string') throw new Error(`multi-valued context key ${key} is not translated`);
      const name = key.toLowerCase();
      out[name] = contextValue(this.keyFamilies.get(name) ?? 'string', raw);
    }
    return out;
  }

  entity(resource: string): EntityJson {
    const attrs: Record<string, CedarValueJson> = { arn: resource };
    const fields = this.fieldwiseArns ? splitArn(resource) : undefined;
    if (fields !== undefined) fields.forEach((f, i) => (attrs[ARN_FIELDS[i] as string] = f));
    return { uid: { type: 'Resource', id: resource }, attrs, parents: [] };
  }
}

const ARN_FIELDS = ['arnPrefix', 'arnPartition', 'arnService', 'arnRegion', 'arnAccount', 'arnResource'] as const;

/** `arn:partition:service:region:account:resource` as six fields (the last keeps its colons). */
function splitArn(text: string): string[] | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = text.indexOf(':', start);
    if (colon < 0) return undefined;
    fields.push(text.slice(start, colon));
    start = colon + 1;
  }
  fields.push(text.slice(start));
  return fields[0] === 'arn' ? fields : undefined;
}

function contextValue(family: Family, raw: string): CedarValueJson {
  switch (family) {
    case 'string': return raw;
    case 'ip': return { __extn: { fn: 'ip', arg: raw } };
    case 'date': return { __extn: { fn: 'datetime', arg: cedarDate(raw) } };
    case 'long': return cedarLong(raw);
    case 'bool': return cedarBool(raw);
  }
}

/** The Cedar policy id of statement `statementIndex` of identity policy `policyIndex`. */
export const cedarPolicyId = (policyIndex: number, statementIndex: number): string => `identity[${policyIndex}]#${statementIndex}`;

export function toCedar(documents: readonly IamPolicyDocument[], requests: readonly AuthorizationRequest[], actionUniverse: readonly string[]): CedarWorkload {
  const t = new Translator(actionUniverse);
  const universe = new Set(actionUniverse);
  const policies: Record<string, string> = {};
  documents.forEach((doc, i) => {
    doc.Statement.forEach((s, j) => {
      const id = cedarPolicyId(i, j);
      policies[id] = t.statement(s, id);
    });
  });
  const cedarRequests = requests.map((req): CedarRequest => {
    // Wildcard actions were expanded against the universe: an action outside it could match in
    // IAM and not in Cedar, so the requests must stay inside.
    if (!universe.has(req.action)) throw new Error(`request action ${req.action} is outside the action universe`);
    return {
      principal: { type: 'User', id: req.principal },
      action: { type: 'Action', id: req.action },
      resource: { type: 'Resource', id: req.resource },
      context: t.context(req),
      entities: [t.entity(req.resource)],
    };
  });
  return { policies, requests: cedarRequests };
}
