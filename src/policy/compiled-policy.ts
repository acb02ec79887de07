/**
 * One compiled policy and its action index: exact actions in a map, wildcard patterns grouped by
 * their literal service prefix, and the few statements that can match any service (`*`, wildcard
 * services, NotAction) kept aside. Looking up the statements for an action touches only those.
 */
import { compileStatement, type CompiledStatement } from './compile-statement.js';
import { formatRef, REF_DESCRIPTION, type StatementRef } from './decision.js';
import type { Diagnostic } from './diagnostics.js';
import { PredicateTable } from './predicates.js';
import type { ParsedPolicy } from './policy-set.js';

export interface CompiledPolicy extends Omit<ParsedPolicy, 'document'> {
  readonly document: ParsedPolicy['document'];
  readonly statements: readonly CompiledStatement[];
  /** Statements whose Action/NotAction matches the (lower-cased) action, in document order. */
  candidates(actionLower: string): CompiledStatement[];
}

export function compilePolicy(p: ParsedPolicy, table: PredicateTable = new PredicateTable()): { policy: CompiledPolicy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const statements = p.document.statements.map((s) => compileStatement(p.document, s, statementRef(p, s), diagnostics, table));
  const index = buildIndex(statements);
  return {
    policy: { ...p, statements, candidates: (a) => index(a) },
    diagnostics: diagnostics.map((d) => ({ ...d, policy: p.name })),
  };
}

function statementRef(p: ParsedPolicy, s: ParsedPolicy['document']['statements'][number]): StatementRef {
  const ref: { -readonly [K in keyof StatementRef]: StatementRef[K] } = {
    policyType: p.type, policyIndex: p.index, policyName: p.name, statementIndex: s.index, effect: s.effect,
  };
  if (p.level !== undefined) ref.level = p.level;
  if (p.document.id !== undefined) ref.policyId = p.document.id;
  if (s.sid !== undefined) ref.sid = s.sid;
  if (s.loc !== undefined) ref.location = s.loc;
  Object.defineProperty(ref, REF_DESCRIPTION, { value: formatRef(ref), enumerable: false });
  return ref;
}

function buildIndex(statements: readonly CompiledStatement[]): (actionLower: string) => CompiledStatement[] {
  const exact = new Map<string, CompiledStatement[]>();
  const byService = new Map<string, CompiledStatement[]>();
  const anyService: CompiledStatement[] = [];
  const push = (m: Map<string, CompiledStatement[]>, k: string, s: CompiledStatement) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [s]);
    else if (list[list.length - 1] !== s) list.push(s);
  };
  for (const s of statements) {
    if (s.action.negated) {
      anyService.push(s);
      continue;
    }
    for (const a of s.action.exact) push(exact, a, s);
    let global = false;
    for (const w of s.action.wildcards) {
      const colon = w.pattern.indexOf(':');
      const service = colon < 0 ? undefined : w.pattern.slice(0, colon);
      if (service === undefined || /[*?]/.test(service)) global = true;
      else push(byService, service, s);
    }
    if (global) anyService.push(s);
  }
  return (actionLower) => {
    const colon = actionLower.indexOf(':');
    const service = colon < 0 ? actionLower : actionLower.slice(0, colon);
    const found = new Set<CompiledStatement>(exact.get(actionLower));
    for (const s of byService.get(service) ?? []) if (!found.has(s) && s.matchesAction(actionLower)) found.add(s);
    for (const s of anyService) if (!found.has(s) && s.matchesAction(actionLower)) found.add(s);
    return [...found].sort((a, b) => a.ref.statementIndex - b.ref.statementIndex);
  };
}
