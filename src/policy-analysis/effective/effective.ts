/**
 * Effective permissions: every action of every loaded catalog service that the input allows,
 * grouped by service and access level, with the grants and denies that shape each one.
 *
 * Resources stay symbolic: grants and denies carry the patterns as written (policy variables
 * unsubstituted, NotResource as `{not}`), compared only to decide whether a deny covers a grant
 * or whether two sides can meet on a common resource. A what-if context only gates: it settles
 * conditions (see conditions.ts) and can never add a grant.
 */
import type { ContextValue, ServiceCatalog } from '../../policy/index.js';
import { blendAction } from './blend.js';
import { coverage, loadedServices } from './coverage.js';
import { isUnscoped } from './resources.js';
import { requiredSides, statementViews, type EffectiveInput } from './statements.js';
import { ACCESS_LEVELS, emptyCounts, type AccessLevel, type ActionEntry, type DeniedAction, type EffectivePermissions, type PolicySide, type ServiceEffective, type ServiceRisk } from './types.js';

export interface EffectiveOptions {
  /** What-if context: keys it supplies settle conditions; the others stay open. */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** The caller to evaluate as; when given, keys derived from it (`aws:username`, ...) are known too. */
  readonly principal?: string;
}

export function effectivePermissions(input: EffectiveInput, catalog: ServiceCatalog, options: EffectiveOptions = {}): EffectivePermissions {
  const whatIf = { ...(options.context !== undefined ? { context: options.context } : {}), ...(options.principal !== undefined ? { principal: options.principal } : {}) };
  const views = statementViews(input, whatIf);
  const sides = requiredSides(input);
  const services: ServiceEffective[] = [];
  const denied: DeniedAction[] = [];
  const totals = emptyCounts();
  for (const prefix of loadedServices(catalog)) {
    const info = catalog.service(prefix);
    if (info === undefined) continue;
    const entries: ActionEntry[] = [];
    const actions = [...info.actions.values()].sort((a, b) => compareText(a.name, b.name));
    for (const a of actions) {
      const r = blendAction(a, views, sides);
      if (r?.kind === 'effective') entries.push(r.entry);
      else if (r?.kind === 'denied') denied.push(r.denied);
    }
    if (entries.length === 0) continue;
    const s = serviceOf(prefix, info.name, entries, sides);
    for (const l of ACCESS_LEVELS) totals[l] += s.totals[l];
    services.push(s);
  }
  const total = ACCESS_LEVELS.reduce((n, l) => n + totals[l], 0);
  const out: EffectivePermissions = { services, totals, total, denied, coverage: coverage(catalog, views) };
  return options.context !== undefined ? { ...out, context: options.context } : out;
}

function serviceOf(service: string, name: string, entries: readonly ActionEntry[], sides: readonly PolicySide[]): ServiceEffective {
  const levels: Record<AccessLevel, ActionEntry[]> = { List: [], Read: [], Write: [], 'Permissions management': [], Tagging: [] };
  const totals = emptyCounts();
  for (const e of entries) {
    levels[e.accessLevel].push(e);
    totals[e.accessLevel]++;
  }
  return { service, name, levels, totals, risk: riskOf(entries, sides) };
}

/** An action reaches every resource when each side has a grant on `*` (or a NotResource). */
function unscoped(e: ActionEntry, sides: readonly PolicySide[]): boolean {
  return sides.every((s) => e.grants.some((g) => g.side === s && isUnscoped(g.resources)));
}

function riskOf(entries: readonly ActionEntry[], sides: readonly PolicySide[]): ServiceRisk {
  const wide = entries.filter((e) => unscoped(e, sides));
  const writeOnStar = wide.filter((e) => e.accessLevel === 'Write').length;
  const permissionsManagementOnStar = wide.filter((e) => e.accessLevel === 'Permissions management').length;
  const indicator = permissionsManagementOnStar > 0 ? 'high' : writeOnStar > 0 ? 'elevated' : 'low';
  return { writeOnStar, permissionsManagementOnStar, indicator };
}

/** Locale-free ordering, so reports and diffs are byte-identical across machines. */
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** Every effective action of a report, in report order. */
export function allEntries(e: EffectivePermissions): ActionEntry[] {
  return e.services.flatMap((s) => ACCESS_LEVELS.flatMap((l) => [...s.levels[l]]));
}
