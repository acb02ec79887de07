/**
 * Parser: JSON policy text (or a parsed value) into the typed AST, with grammar diagnostics.
 *
 * Stages: text → located JSON tree (json-tree.ts, reports syntax errors and nesting bombs) →
 * document and statements (here) → element lists (parse-elements.ts). The parser checks grammar
 * and types only; value formats, the AWS catalog and security findings are the validator's.
 */
import { takesPrincipal, type ConditionClause, type PatternList, type PolicyDocument, type PrincipalElement, type Statement } from './ast.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { didYouMean } from './fuzzy.js';
import { fromValue, parseJsonText, type JsonNode, type JsonProp } from './json-tree.js';
import { Collector, describe, parseConditions, parsePatternList, parsePrincipal, reportDuplicates } from './parse-elements.js';
import type { PolicyInput, PolicyType } from './request.js';

export interface ParseOptions {
  readonly policyType: PolicyType;
  /** Name of the source (file path) for locations. */
  readonly source?: string;
}

export interface ParseResult {
  /** Present unless the document is unusable; statements with errors are left out of it. */
  readonly document?: PolicyDocument;
  readonly diagnostics: readonly Diagnostic[];
}

/** Larger than any IAM policy (the largest, resource-based ones, stop at 20 KB): refused unread. */
export const MAX_POLICY_CHARS = 1_000_000;

const TOP_LEVEL = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];
const VERSIONS = ['2012-10-17', '2008-10-17'];

export function parsePolicy(input: PolicyInput, options: ParseOptions): ParseResult {
  if (typeof input === 'string') {
    if (input.length > MAX_POLICY_CHARS) {
      return {
        diagnostics: [
          diagnostic('policy/too-large', `the policy is ${input.length} characters long`, `IAM policies are at most a few kilobytes; Tessera refuses documents over ${MAX_POLICY_CHARS} characters`),
        ],
      };
    }
    const json = parseJsonText(input, options.source);
    if (!json.ok) {
      return { diagnostics: json.errors.map((e) => diagnostic('policy/json-syntax', e.message, 'fix the JSON syntax; IAM policies are strict JSON (no comments, no trailing commas)', { loc: e.loc })) };
    }
    return parsePolicyNode(json.root, options, input.length);
  }
  return parsePolicyNode(fromValue(input), options);
}

/** Parses a document from a JSON tree (e.g. a subtree of a scenario file, keeping its locations). */
export function parsePolicyNode(root: JsonNode, options: ParseOptions, sourceLength?: number): ParseResult {
  const out = new Collector();
  if (root.kind !== 'object') {
    out.report('policy/document-not-object', `a policy document must be a JSON object, not ${describe(root)}`, 'write `{"Version": "2012-10-17", "Statement": [...]}`', root.loc, '');
    return { diagnostics: out.diagnostics };
  }
  reportDuplicates(root.props, '', out);
  let version: string | undefined;
  let id: string | undefined;
  let statementNode: JsonNode | undefined;
  for (const p of root.props) {
    if (p.key === 'Version') {
      if (p.value.kind === 'string' && VERSIONS.includes(p.value.value)) version = p.value.value;
      else out.report('policy/invalid-version', `\`Version\` is ${p.value.kind === 'string' ? `\`${p.value.value}\`` : describe(p.value)}`, 'write `"Version": "2012-10-17"` (the current policy language)', p.value.loc, 'Version');
    } else if (p.key === 'Id') {
      if (p.value.kind === 'string') id = p.value.value;
      else out.report('policy/invalid-type', `\`Id\` must be a string, not ${describe(p.value)}`, 'quote the Id', p.value.loc, 'Id');
    } else if (p.key === 'Statement') statementNode = p.value;
    else unknownElement(p, TOP_LEVEL, '', out);
  }
  const hasVersion = root.props.some((p) => p.key === 'Version');
  if (!hasVersion) {
    out.report('policy/missing-version', 'the policy has no `Version`', 'add `"Version": "2012-10-17"`; without it IAM uses 2008-10-17, which treats policy variables as plain text', root.loc, '');
  }
  const statements = statementNode === undefined ? [] : parseStatements(statementNode, options.policyType, out);
  if (statementNode === undefined) {
    out.report('policy/missing-statement', 'the policy has no `Statement`', 'add `"Statement": [{"Effect": "Allow", "Action": "...", "Resource": "..."}]`', root.loc, '');
  }
  const doc: { -readonly [K in keyof PolicyDocument]: PolicyDocument[K] } = {
    policyType: options.policyType,
    variablesEnabled: version === '2012-10-17',
    statements,
  };
  if (version !== undefined) doc.version = version;
  if (id !== undefined) doc.id = id;
  if (root.loc !== undefined) doc.loc = root.loc;
  if (sourceLength !== undefined) doc.sourceLength = sourceLength;
  return { document: doc, diagnostics: out.diagnostics };
}

function parseStatements(node: JsonNode, type: PolicyType, out: Collector): Statement[] {
  const items = node.kind === 'array' ? node.items : [node];
  if (node.kind === 'array' && items.length === 0) {
    out.report('policy/empty-statement', '`Statement` is an empty list', 'a policy without statements grants and denies nothing; add a statement', node.loc, 'Statement');
  }
  const statements: Statement[] = [];
  const sids = new Map<string, number>();
  items.forEach((item, index) => {
    const path = node.kind === 'array' ? `Statement[${index}]` : 'Statement';
    const s = parseStatement(item, index, type, path, out);
    if (s?.sid !== undefined) {
      const first = sids.get(s.sid);
      if (first !== undefined) out.report('policy/duplicate-sid', `Sid \`${s.sid}\` is already used by statement ${first}`, 'give every statement a unique Sid', s.loc, `${path}.Sid`);
      else sids.set(s.sid, index);
    }
    if (s !== undefined) statements.push(s);
  });
  return statements;
}

const SID = /^[A-Za-z0-9]+$/;

function parseStatement(node: JsonNode, index: number, type: PolicyType, path: string, out: Collector): Statement | undefined {
  if (node.kind !== 'object') {
    out.report('policy/invalid-type', `a statement must be an object, not ${describe(node)}`, 'write `{"Effect": "Allow", "Action": "...", "Resource": "..."}`', node.loc, path);
    return undefined;
  }
  reportDuplicates(node.props, path, out);
  const before = out.diagnostics.length;
  const el = (name: string) => node.props.find((p) => p.key === name);
  for (const p of node.props) if (!STATEMENT_ELEMENTS.includes(p.key)) unknownElement(p, STATEMENT_ELEMENTS, `${path}.`, out);

  let sid: string | undefined;
  const sidProp = el('Sid');
  if (sidProp !== undefined) {
    if (sidProp.value.kind !== 'string') out.report('policy/invalid-type', `\`Sid\` must be a string, not ${describe(sidProp.value)}`, 'quote the Sid', sidProp.value.loc, `${path}.Sid`);
    else {
      sid = sidProp.value.value;
      if (type !== 'resource' && sid !== '' && !SID.test(sid)) {
        out.report('policy/invalid-sid', `Sid \`${sid}\` has characters other than letters and digits`, 'IAM accepts only A–Z, a–z and 0–9 in a Sid of an identity policy, boundary or SCP', sidProp.value.loc, `${path}.Sid`);
      }
    }
  }

  const effectProp = el('Effect');
  let effect: 'Allow' | 'Deny' | undefined;
  if (effectProp === undefined) out.report('policy/missing-effect', 'the statement has no `Effect`', 'add `"Effect": "Allow"` or `"Effect": "Deny"`', node.loc, path);
  else if (effectProp.value.kind === 'string' && (effectProp.value.value === 'Allow' || effectProp.value.value === 'Deny')) effect = effectProp.value.value;
  else {
    const written = effectProp.value.kind === 'string' ? `\`${effectProp.value.value}\`` : describe(effectProp.value);
    out.report('policy/invalid-effect', `\`Effect\` is ${written}`, 'write `Allow` or `Deny`, with that capitalization', effectProp.value.loc, `${path}.Effect`);
  }

  const action = pair(el('Action'), el('NotAction'), 'Action', path, out, 'policy/action-and-not-action', node.loc, 'policy/missing-action');
  const resource = pair(el('Resource'), el('NotResource'), 'Resource', path, out, 'policy/resource-and-not-resource', node.loc, 'policy/missing-resource');
  const principal = parsePrincipalPair(el('Principal'), el('NotPrincipal'), type, path, out, node);
  const condProp = el('Condition');
  const conditions: ConditionClause[] = condProp === undefined ? [] : parseConditions(condProp.value, `${path}.Condition`, out);

  const failed = out.diagnostics.slice(before).some((d) => d.severity === 'error');
  if (failed || effect === undefined || action === undefined) return undefined;
  const s: { -readonly [K in keyof Statement]: Statement[K] } = { index, effect, action, conditions };
  if (sid !== undefined) s.sid = sid;
  if (resource !== undefined) s.resource = resource;
  if (principal !== undefined) s.principal = principal;
  if (node.loc !== undefined) s.loc = node.loc;
  return s;
}

/** Reads one of `X` / `NotX`; exactly one must be present. */
function pair(
  positive: JsonProp | undefined,
  negative: JsonProp | undefined,
  name: 'Action' | 'Resource',
  path: string,
  out: Collector,
  bothCode: 'policy/action-and-not-action' | 'policy/resource-and-not-resource',
  stmtLoc: JsonNode['loc'],
  missingCode: 'policy/missing-action' | 'policy/missing-resource',
): PatternList | undefined {
  if (positive !== undefined && negative !== undefined) {
    out.report(bothCode, `the statement has both \`${name}\` and \`Not${name}\``, `keep one of them: \`${name}\` lists what the statement covers, \`Not${name}\` what it excludes`, negative.keyLoc, `${path}.Not${name}`);
    return undefined;
  }
  const p = positive ?? negative;
  if (p === undefined) {
    out.report(missingCode, `the statement has no \`${name}\` or \`Not${name}\``, name === 'Action' ? 'add `"Action": "service:ActionName"`' : 'add `"Resource": "arn:..."` (or `"*"` for actions without resource-level permissions)', stmtLoc, path);
    return undefined;
  }
  const negated = p === negative;
  return parsePatternList(p.value, p.key, negated, `${path}.${p.key}`, out);
}

function parsePrincipalPair(positive: JsonProp | undefined, negative: JsonProp | undefined, type: PolicyType, path: string, out: Collector, node: JsonNode): PrincipalElement | undefined {
  const p = positive ?? negative;
  if (!takesPrincipal(type)) {
    if (p !== undefined) out.report('policy/principal-not-allowed', `a ${typeName(type)} cannot have \`${p.key}\``, `remove \`${p.key}\`: a ${typeName(type)} applies to the principals it is attached to`, p.keyLoc, `${path}.${p.key}`);
    return undefined;
  }
  if (positive !== undefined && negative !== undefined) {
    out.report('policy/principal-and-not-principal', 'the statement has both `Principal` and `NotPrincipal`', 'keep one of them', negative.keyLoc, `${path}.NotPrincipal`);
    return undefined;
  }
  if (p === undefined) {
    out.report('policy/missing-principal', `a ${typeName(type)} statement needs \`Principal\` or \`NotPrincipal\``, type === 'rcp' ? 'RCPs use `"Principal": "*"`' : 'name who the statement is for, e.g. `"Principal": {"AWS": "arn:aws:iam::111122223333:root"}`', node.loc, path);
    return undefined;
  }
  const element = parsePrincipal(p.value, p.key, p === negative, `${path}.${p.key}`, out);
  if (element !== undefined && type === 'rcp' && (element.negated || !element.anyone || element.entries.length > 0)) {
    out.report('policy/rcp-principal', 'an RCP statement must have `"Principal": "*"`', 'RCPs restrict access to resources for every principal; narrow them with conditions such as `aws:PrincipalOrgID`', p.value.loc, `${path}.${p.key}`);
  }
  return element;
}

export function typeName(type: PolicyType): string {
  return {
    identity: 'identity-based policy',
    boundary: 'permissions boundary',
    session: 'session policy',
    resource: 'resource-based policy',
    scp: 'service control policy',
    rcp: 'resource control policy',
  }[type];
}

function unknownElement(p: JsonProp, known: readonly string[], prefix: string, out: Collector): void {
  const hint = didYouMean(p.key, known);
  out.report('policy/unknown-element', `\`${p.key}\` is not a policy element`, hint !== '' ? hint : `allowed here: ${known.join(', ')}`, p.keyLoc, `${prefix}${p.key}`);
}
