/**
 * A policy set: every policy of a request's evaluation, each with its type, organization level and
 * a stable name (`identity[0]`, `scp[1][0]`, `boundary`). Parsing the set parses each document and
 * labels its diagnostics with the policy's name.
 */
import type { PolicyDocument } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import type { JsonNode } from './json-tree.js';
import { parsePolicy, parsePolicyNode } from './parser.js';
import type { PolicyInput, PolicyInputs, PolicySetInput, PolicyType } from './request.js';

export interface ParsedPolicy {
  readonly type: PolicyType;
  /** Organization level for SCPs and RCPs. */
  readonly level?: number;
  readonly index: number;
  readonly name: string;
  readonly document: PolicyDocument;
}

/** Where a policy sits in the set, before parsing. */
export interface PolicySlot<T> {
  readonly type: PolicyType;
  readonly level?: number;
  readonly index: number;
  readonly name: string;
  readonly input: T;
}

/** Lists the slots of a set in a fixed order, accepting a single document where IAM has one. */
export function policySlots<T>(set: {
  identity?: readonly T[] | null | undefined;
  boundary?: T | readonly T[] | null | undefined;
  session?: T | readonly T[] | null | undefined;
  resource?: T | readonly T[] | null | undefined;
  scp?: readonly (readonly T[])[] | null | undefined;
  rcp?: readonly (readonly T[])[] | null | undefined;
}, isList: (v: T | readonly T[]) => v is readonly T[]): PolicySlot<T>[] {
  const slots: PolicySlot<T>[] = [];
  const many = (type: PolicyType, v: T | readonly T[] | null | undefined) => {
    if (v === null || v === undefined) return;
    const list = isList(v) ? v : [v];
    list.forEach((input, index) => slots.push({ type, index, name: isList(v) ? `${type}[${index}]` : type, input }));
  };
  many('identity', set.identity);
  many('boundary', set.boundary);
  many('session', set.session);
  many('resource', set.resource);
  for (const type of ['scp', 'rcp'] as const) {
    (set[type] ?? []).forEach((level, l) =>
      level.forEach((input, index) => slots.push({ type, level: l, index, name: `${type}[${l}][${index}]`, input })),
    );
  }
  return slots;
}

export interface ParsedSet {
  readonly policies: readonly ParsedPolicy[];
  /** Number of organization levels given for SCPs and RCPs (0 = none apply). */
  readonly scpLevels: number;
  readonly rcpLevels: number;
  readonly diagnostics: readonly Diagnostic[];
}

const isInputList = (v: PolicyInputs): v is readonly PolicyInput[] => Array.isArray(v);

/** Parses every policy of an embedding-API set. */
export function parsePolicySet(input: PolicySetInput, source?: string): ParsedSet {
  const slots = policySlots<PolicyInput>(input, isInputList);
  // Each text gets its own line numbers, so its locations name the policy unless a file is given.
  return parseSlots(slots, input.scp?.length ?? 0, input.rcp?.length ?? 0, (slot) => parsePolicy(slot.input, { policyType: slot.type, source: source ?? slot.name }));
}

/** Parses a set whose documents are subtrees of a larger JSON text (a scenario file). */
export function parsePolicyNodeSet(slots: readonly PolicySlot<JsonNode>[], scpLevels: number, rcpLevels: number): ParsedSet {
  return parseSlots(slots, scpLevels, rcpLevels, (slot) => parsePolicyNode(slot.input, { policyType: slot.type }));
}

function parseSlots<T>(
  slots: readonly PolicySlot<T>[],
  scpLevels: number,
  rcpLevels: number,
  parse: (slot: PolicySlot<T>) => { document?: PolicyDocument; diagnostics: readonly Diagnostic[] },
): ParsedSet {
  const policies: ParsedPolicy[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const slot of slots) {
    const r = parse(slot);
    for (const d of r.diagnostics) diagnostics.push({ ...d, policy: slot.name });
    if (r.document !== undefined) {
      const p: { -readonly [K in keyof ParsedPolicy]: ParsedPolicy[K] } = { type: slot.type, index: slot.index, name: slot.name, document: r.document };
      if (slot.level !== undefined) p.level = slot.level;
      policies.push(p);
    }
  }
  return { policies, scpLevels, rcpLevels, diagnostics };
}
