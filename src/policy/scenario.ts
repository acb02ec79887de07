/**
 * Scenario files (design.md, "Decision scenario file"): a self-contained, replayable authorization
 * question — a request and the policies to evaluate it against. Every policy keeps its location in
 * the scenario text, so explanations point at lines of the file the user wrote.
 */
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { parseJsonText, prop, type JsonNode } from './json-tree.js';
import { describe, reportDuplicates, Collector } from './parse-elements.js';
import { parsePolicyNodeSet, type ParsedSet, type PolicySlot } from './policy-set.js';
import type { AuthorizationRequest, ContextValue, PolicyType } from './request.js';

export interface Scenario {
  readonly request: AuthorizationRequest;
  readonly policies: ParsedSet;
}

export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Scenario files larger than this are refused unread (16 MiB). */
export const MAX_SCENARIO_CHARS = 16 * 1024 * 1024;

const REQUEST_FIELDS = ['principal', 'action', 'resource', 'resourceAccount', 'context'];
const POLICY_FIELDS = ['identity', 'boundary', 'session', 'resource', 'scp', 'rcp'];

export function parseScenario(text: string, source?: string): ScenarioResult {
  if (text.length > MAX_SCENARIO_CHARS) {
    return { ok: false, diagnostics: [diagnostic('scenario/json-syntax', `the scenario is ${text.length} characters long`, `scenario files are limited to ${MAX_SCENARIO_CHARS} characters`)] };
  }
  const json = parseJsonText(text, source);
  if (!json.ok) {
    return { ok: false, diagnostics: json.errors.map((e) => diagnostic('scenario/json-syntax', e.message, 'fix the JSON syntax', { loc: e.loc })) };
  }
  return parseScenarioNode(json.root);
}

export function parseScenarioNode(root: JsonNode): ScenarioResult {
  const out = new Collector();
  const fail = (code: 'scenario/invalid-request' | 'scenario/invalid-policies', message: string, help: string, node: JsonNode | undefined, path: string) =>
    out.diagnostics.push(diagnostic(code, message, help, { loc: node?.loc, path }));
  if (root.kind !== 'object') {
    fail('scenario/invalid-request', `a scenario must be a JSON object, not ${describe(root)}`, 'write `{"request": {...}, "policies": {...}}`', root, '');
    return { ok: false, diagnostics: out.diagnostics };
  }
  reportDuplicates(root.props, '', out);
  for (const p of root.props) {
    if (p.key !== 'request' && p.key !== 'policies') out.diagnostics.push(diagnostic('scenario/unknown-field', `\`${p.key}\` is not a scenario field`, 'a scenario has `request` and `policies`', { loc: p.keyLoc, path: p.key }));
  }
  const request = readRequest(prop(root, 'request')?.value, root, fail, out);
  const policiesNode = prop(root, 'policies')?.value;
  let slots: PolicySlot<JsonNode>[] = [];
  let scpLevels = 0;
  let rcpLevels = 0;
  if (policiesNode === undefined || policiesNode.kind !== 'object') {
    fail('scenario/invalid-policies', policiesNode === undefined ? 'the scenario has no `policies`' : `\`policies\` must be an object, not ${describe(policiesNode)}`, 'write `"policies": {"identity": [ {...} ], "boundary": null, "scp": [], ...}`', policiesNode ?? root, 'policies');
  } else {
    reportDuplicates(policiesNode.props, 'policies', out);
    ({ slots, scpLevels, rcpLevels } = readPolicySlots(policiesNode, fail, out));
  }
  const policies = parsePolicyNodeSet(slots, scpLevels, rcpLevels);
  const diagnostics = [...out.diagnostics, ...policies.diagnostics];
  if (request === undefined || diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, scenario: { request, policies }, diagnostics };
}

type Fail = (code: 'scenario/invalid-request' | 'scenario/invalid-policies', message: string, help: string, node: JsonNode | undefined, path: string) => void;

function readRequest(node: JsonNode | undefined, root: JsonNode, fail: Fail, out: Collector): AuthorizationRequest | undefined {
  if (node === undefined || node.kind !== 'object') {
    fail('scenario/invalid-request', node === undefined ? 'the scenario has no `request`' : `\`request\` must be an object, not ${describe(node)}`, 'write `"request": {"principal": "arn:...", "action": "s3:GetObject", "resource": "arn:..."}`', node ?? root, 'request');
    return undefined;
  }
  reportDuplicates(node.props, 'request', out);
  for (const p of node.props) {
    if (!REQUEST_FIELDS.includes(p.key)) out.diagnostics.push(diagnostic('scenario/unknown-field', `\`${p.key}\` is not a request field`, `request fields: ${REQUEST_FIELDS.join(', ')}`, { loc: p.keyLoc, path: `request.${p.key}` }));
  }
  const str = (name: string, required: boolean): string | undefined => {
    const v = prop(node, name)?.value;
    if (v === undefined) {
      if (required) fail('scenario/invalid-request', `the request has no \`${name}\``, `add \`"${name}": "..."\``, node, `request`);
      return undefined;
    }
    if (v.kind !== 'string' || v.value === '') {
      fail('scenario/invalid-request', `\`request.${name}\` must be a non-empty string, not ${describe(v)}`, 'quote the value', v, `request.${name}`);
      return undefined;
    }
    return v.value;
  };
  const principal = str('principal', true);
  const action = str('action', true);
  const resource = str('resource', true);
  const resourceAccount = str('resourceAccount', false);
  const context = readContext(prop(node, 'context')?.value, fail);
  if (principal === undefined || action === undefined || resource === undefined || context === null) return undefined;
  const request: { -readonly [K in keyof AuthorizationRequest]: AuthorizationRequest[K] } = { principal, action, resource };
  if (resourceAccount !== undefined) request.resourceAccount = resourceAccount;
  if (context !== undefined) request.context = context;
  return request;
}

/** Context values are strings or lists of strings, as AWS sends them; null means invalid. */
function readContext(node: JsonNode | undefined, fail: Fail): Record<string, ContextValue> | undefined | null {
  if (node === undefined || node.kind === 'null') return undefined;
  if (node.kind !== 'object') {
    fail('scenario/invalid-request', `\`request.context\` must be an object, not ${describe(node)}`, 'write `"context": {"aws:SourceIp": "10.1.2.3"}`', node, 'request.context');
    return null;
  }
  const context: Record<string, ContextValue> = {};
  let ok = true;
  for (const p of node.props) {
    const v = p.value;
    if (v.kind === 'string') context[p.key] = v.value;
    else if (v.kind === 'array' && v.items.every((i) => i.kind === 'string')) context[p.key] = v.items.map((i) => (i.kind === 'string' ? i.value : ''));
    else {
      ok = false;
      fail('scenario/invalid-request', `context key \`${p.key}\` must be a string or a list of strings, not ${describe(v)}`, 'AWS sends every context value as text: write `"true"`, `"10"`', v, `request.context.${p.key}`);
    }
  }
  return ok ? context : null;
}

function readPolicySlots(node: JsonNode & { kind: 'object' }, fail: Fail, out: Collector): { slots: PolicySlot<JsonNode>[]; scpLevels: number; rcpLevels: number } {
  const slots: PolicySlot<JsonNode>[] = [];
  let scpLevels = 0;
  let rcpLevels = 0;
  for (const p of node.props) {
    if (!POLICY_FIELDS.includes(p.key)) {
      out.diagnostics.push(diagnostic('scenario/unknown-field', `\`${p.key}\` is not a policy type`, `policy types: ${POLICY_FIELDS.join(', ')}`, { loc: p.keyLoc, path: `policies.${p.key}` }));
      continue;
    }
    const type = p.key as PolicyType;
    const v = p.value;
    if (v.kind === 'null') continue;
    if (type === 'scp' || type === 'rcp') {
      if (v.kind !== 'array' || v.items.some((level) => level.kind !== 'array')) {
        fail('scenario/invalid-policies', `\`policies.${type}\` must be a list of levels, each a list of documents`, `write \`"${type}": [[{root-level document}], [{OU-level document}]]\``, v, `policies.${type}`);
        continue;
      }
      v.items.forEach((level, l) => {
        if (level.kind !== 'array') return;
        level.items.forEach((doc, index) => slots.push({ type, level: l, index, name: `${type}[${l}][${index}]`, input: doc }));
      });
      if (type === 'scp') scpLevels = v.items.length;
      else rcpLevels = v.items.length;
    } else if (v.kind === 'array') {
      v.items.forEach((doc, index) => slots.push({ type, index, name: `${type}[${index}]`, input: doc }));
    } else if (v.kind === 'object') {
      slots.push({ type, index: 0, name: type, input: v });
    } else {
      fail('scenario/invalid-policies', `\`policies.${type}\` must be ${type === 'identity' ? 'a list of documents' : 'a document, a list of documents or null'}, not ${describe(v)}`, 'see the scenario format in README.md', v, `policies.${type}`);
    }
  }
  return { slots, scpLevels, rcpLevels };
}
