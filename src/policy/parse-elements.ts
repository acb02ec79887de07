/**
 * Parsing of the statement elements that hold lists: Action/Resource (and their Not forms),
 * Principal/NotPrincipal and Condition. Grammar problems become diagnostics on the collector.
 */
import type { ConditionClause, Located, PatternList, PrincipalElement, PrincipalEntry, PrincipalKind } from './ast.js';
import { diagnostic, type Diagnostic, type PolicyDiagnosticCode } from './diagnostics.js';
import { didYouMean } from './fuzzy.js';
import type { JsonNode, JsonProp } from './json-tree.js';
import type { SourceLocation } from './location.js';
import { CONDITION_OPERATORS, conditionOperator, parseOperatorName } from './operators/registry.js';

/** Collects diagnostics while parsing one document. */
export class Collector {
  readonly diagnostics: Diagnostic[] = [];
  report(code: PolicyDiagnosticCode, message: string, help: string, loc: SourceLocation | undefined, path: string): void {
    this.diagnostics.push(diagnostic(code, message, help, { loc, path }));
  }
}

/** Reports repeated keys of one JSON object (JSON.parse would silently keep only the last). */
export function reportDuplicates(props: readonly JsonProp[], path: string, out: Collector): void {
  const seen = new Set<string>();
  for (const p of props) {
    if (seen.has(p.key)) out.report('policy/duplicate-key', `\`${p.key}\` appears more than once`, 'JSON parsers keep only one of the copies, so the others are silently lost; merge them into one', p.keyLoc, path === '' ? p.key : `${path}.${p.key}`);
    seen.add(p.key);
  }
}

export function describe(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'null':
      return '`null`';
    case 'string':
      return 'a string';
    default:
      return `the ${node.kind} \`${String(node.value)}\``;
  }
}

/** A string or a non-empty list of strings (Action, Resource, principal values). */
export function parseStringList(node: JsonNode, name: string, path: string, out: Collector): Located[] | undefined {
  if (node.kind === 'string') return [stringValue(node, name, path, out)];
  if (node.kind !== 'array') {
    out.report('policy/invalid-type', `\`${name}\` must be a string or a list of strings, not ${describe(node)}`, `write \`"${name}": "value"\` or \`"${name}": ["value1", "value2"]\``, node.loc, path);
    return undefined;
  }
  if (node.items.length === 0) {
    out.report('policy/empty-list', `\`${name}\` is an empty list`, `an empty \`${name}\` matches nothing; list at least one value`, node.loc, path);
    return undefined;
  }
  const values: Located[] = [];
  node.items.forEach((item, i) => {
    if (item.kind !== 'string') {
      out.report('policy/invalid-type', `\`${name}\` entries must be strings, not ${describe(item)}`, 'quote the value', item.loc, `${path}[${i}]`);
    } else values.push(stringValue(item, name, `${path}[${i}]`, out));
  });
  return values.length > 0 ? values : undefined;
}

function stringValue(node: JsonNode & { kind: 'string' }, name: string, path: string, out: Collector): Located {
  if (node.value.trim() === '') {
    out.report('policy/empty-value', `\`${name}\` has an empty value`, 'remove the empty string or write the intended value', node.loc, path);
  }
  return node.loc === undefined ? { value: node.value } : { value: node.value, loc: node.loc };
}

export function parsePatternList(node: JsonNode, name: string, negated: boolean, path: string, out: Collector): PatternList | undefined {
  const patterns = parseStringList(node, name, path, out);
  if (patterns === undefined) return undefined;
  return node.loc === undefined ? { negated, patterns } : { negated, patterns, loc: node.loc };
}

const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

export function parsePrincipal(node: JsonNode, name: string, negated: boolean, path: string, out: Collector): PrincipalElement | undefined {
  const loc = node.loc;
  const element = (anyone: boolean, entries: PrincipalEntry[]): PrincipalElement =>
    loc === undefined ? { negated, anyone, entries } : { negated, anyone, entries, loc };
  if (node.kind === 'string') {
    if (node.value === '*') return element(true, []);
    out.report('policy/invalid-principal', `\`${name}\` as a string must be \`*\`, not \`${node.value}\``, `name principals in an object: \`"${name}": {"AWS": "${node.value}"}\``, loc, path);
    return undefined;
  }
  if (node.kind !== 'object') {
    out.report('policy/invalid-type', `\`${name}\` must be \`*\` or an object, not ${describe(node)}`, `write \`"${name}": {"AWS": "arn:aws:iam::111122223333:root"}\``, loc, path);
    return undefined;
  }
  reportDuplicates(node.props, path, out);
  const entries: PrincipalEntry[] = [];
  let anyone = false;
  for (const p of node.props) {
    const kind = PRINCIPAL_KINDS.find((k) => k === p.key);
    if (kind === undefined) {
      out.report('policy/invalid-principal', `\`${p.key}\` is not a principal type`, `use AWS, Service, Federated or CanonicalUser; ${didYouMean(p.key, PRINCIPAL_KINDS)}`.replace(/; $/, ''), p.keyLoc, `${path}.${p.key}`);
      continue;
    }
    for (const v of parseStringList(p.value, `${name}.${kind}`, `${path}.${kind}`, out) ?? []) {
      if (kind === 'AWS' && v.value === '*') anyone = true;
      else entries.push({ kind, value: v });
    }
  }
  return element(anyone, entries);
}

const OPERATOR_NAMES = CONDITION_OPERATORS.map((o) => o.name);

/** Parses a Condition block into clauses (one per operator/key pair), in document order. */
export function parseConditions(node: JsonNode, path: string, out: Collector): ConditionClause[] {
  if (node.kind !== 'object') {
    out.report('policy/invalid-type', `\`Condition\` must be an object, not ${describe(node)}`, 'write `"Condition": {"StringEquals": {"aws:PrincipalTag/team": "finance"}}`', node.loc, path);
    return [];
  }
  reportDuplicates(node.props, path, out);
  const clauses: ConditionClause[] = [];
  for (const opProp of node.props) {
    const opPath = `${path}.${opProp.key}`;
    const parsed = parseOperatorName(opProp.key);
    const op = conditionOperator(parsed.base);
    if (op === undefined) {
      const hint = didYouMean(parsed.base, OPERATOR_NAMES);
      out.report('policy/unknown-operator', `\`${opProp.key}\` is not a condition operator`, hint !== '' ? hint : 'see the IAM condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null', opProp.keyLoc, opPath);
      continue;
    }
    if (op.family === 'Null' && (parsed.ifExists || parsed.setOperator !== undefined)) {
      out.report('policy/null-with-modifier', `\`${opProp.key}\`: Null takes no IfExists suffix or set operator`, 'write plain `Null`: it already tests whether the key is present', opProp.keyLoc, opPath);
    }
    if (opProp.value.kind !== 'object') {
      out.report('policy/invalid-type', `the value of \`${opProp.key}\` must be an object of condition keys, not ${describe(opProp.value)}`, `write \`"${opProp.key}": {"condition-key": "value"}\``, opProp.value.loc, opPath);
      continue;
    }
    reportDuplicates(opProp.value.props, opPath, out);
    for (const keyProp of opProp.value.props) {
      const values = conditionValues(keyProp.value, keyProp.key, `${opPath}.${keyProp.key}`, out);
      if (values === undefined) continue;
      const clause: { -readonly [K in keyof ConditionClause]: ConditionClause[K] } = {
        operator: opProp.key,
        baseOperator: parsed.base,
        ifExists: parsed.ifExists,
        key: keyProp.key,
        values,
      };
      if (parsed.setOperator !== undefined) clause.setOperator = parsed.setOperator;
      if (opProp.keyLoc !== undefined) clause.operatorLoc = opProp.keyLoc;
      if (keyProp.keyLoc !== undefined) clause.keyLoc = keyProp.keyLoc;
      clauses.push(clause);
    }
  }
  return clauses;
}

/** Condition values: strings, numbers or booleans (IAM reads them as text), single or in a list. */
function conditionValues(node: JsonNode, key: string, path: string, out: Collector): Located[] | undefined {
  const items = node.kind === 'array' ? node.items : [node];
  if (node.kind === 'array' && items.length === 0) {
    out.report('policy/condition-values-empty', `condition key \`${key}\` has no values`, 'an empty list matches nothing; list at least one value', node.loc, path);
    return undefined;
  }
  const values: Located[] = [];
  items.forEach((item, i) => {
    const at = node.kind === 'array' ? `${path}[${i}]` : path;
    if (item.kind === 'string') values.push(item.loc === undefined ? { value: item.value } : { value: item.value, loc: item.loc });
    else if (item.kind === 'number') values.push(item.loc === undefined ? { value: item.raw } : { value: item.raw, loc: item.loc });
    else if (item.kind === 'boolean') values.push(item.loc === undefined ? { value: String(item.value) } : { value: String(item.value), loc: item.loc });
    else out.report('policy/invalid-type', `condition values must be strings, numbers or booleans, not ${describe(item)}`, 'write the value as a string', item.loc, at);
  });
  return values.length > 0 ? values : undefined;
}
