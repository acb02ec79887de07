/**
 * The shapes of an effective-permissions report: every concrete catalog action a policy set
 * allows, with the grants (per policy side) and the denies that shape it.
 */
import type { ContextValue } from '../../policy/index.js';

/** The five access levels of the Service Authorization Reference, most to least sensitive last. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['List', 'Read', 'Write', 'Permissions management', 'Tagging'];

/** The policies whose Allow an action needs: identity always, boundary and session when given. */
export type PolicySide = 'identity' | 'boundary' | 'session';

/**
 * Resource patterns as written (policy variables stay symbolic: `${aws:username}` is not
 * substituted), or the patterns of a NotResource (the grant holds for every resource NOT listed).
 */
export type ResourceScope = readonly string[] | { readonly not: readonly string[] };

/** One condition clause that the context could not settle, kept for the reader. */
export interface ConditionSummary {
  /** As written, e.g. `ForAnyValue:StringLike`. */
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
  /** One line a person can read: `tessera:NetworkZone StringEquals corporate`. */
  readonly text: string;
}

/** Where a grant or deny is written. */
export interface StatementOrigin {
  /** The policy's stable name in the set: `identity[0]`, `boundary`, `session`. */
  readonly policy: string;
  /** The document's own `Id`, if any. */
  readonly policyId?: string;
  readonly index: number;
  readonly sid?: string;
}

/** An Allow statement that covers the action (its conditions are the ones still open). */
export interface Grant {
  readonly side: PolicySide;
  readonly resources: ResourceScope;
  readonly conditions: readonly ConditionSummary[];
  readonly statement: StatementOrigin;
}

/** A Deny statement that covers the action and can overlap its grants. */
export interface DenyEntry {
  readonly resources: ResourceScope;
  readonly conditions: readonly ConditionSummary[];
  readonly statement: StatementOrigin;
}

/**
 * One effective action. It holds for a resource R when, on every side the input has, some grant
 * matches R with its conditions true, and no deny matches R with its conditions true.
 */
export interface ActionEntry {
  /** `service:Action` with the catalog's spelling. */
  readonly action: string;
  readonly service: string;
  readonly accessLevel: AccessLevel;
  /** The catalog's own string, e.g. `Tagging, Write`. */
  readonly catalogAccessLevel: string;
  /** Identity grants first, then boundary, then session. */
  readonly grants: readonly Grant[];
  readonly denies: readonly DenyEntry[];
  /** True when a side has no condition-free grant, or a deny with open conditions remains. */
  readonly conditional: boolean;
}

export type LevelCounts = Record<AccessLevel, number>;

export interface ServiceRisk {
  /** Write actions every side grants on `*` (or through NotResource). */
  readonly writeOnStar: number;
  readonly permissionsManagementOnStar: number;
  /** `high`: permissions management on `*`; `elevated`: write on `*`; `low` otherwise. */
  readonly indicator: 'high' | 'elevated' | 'low';
}

export interface ServiceEffective {
  readonly service: string;
  readonly name: string;
  readonly levels: Record<AccessLevel, readonly ActionEntry[]>;
  readonly totals: LevelCounts;
  readonly risk: ServiceRisk;
}

/** An action the identity policies grant that is not effective, and why. */
export interface DeniedAction {
  readonly action: string;
  readonly accessLevel: AccessLevel;
  /** `explicit-deny`: unconditional denies cover every grant; otherwise the side that does not allow it. */
  readonly reason: 'explicit-deny' | 'boundary' | 'session';
  /** The covering denies (for `explicit-deny`), otherwise empty. */
  readonly statements: readonly StatementOrigin[];
}

export interface Coverage {
  /** Service prefixes the catalog has loaded: the only ones expanded. */
  readonly servicesLoaded: readonly string[];
  /** Prefixes named by identity Allow statements whose actions the catalog has not loaded (unknown prefixes included). */
  readonly notLoadedButReferenced: readonly string[];
  /** How many services not loaded a wildcard service or a NotAction would also reach. */
  readonly unloadedReachedByWildcards: number;
}

export interface EffectivePermissions {
  readonly services: readonly ServiceEffective[];
  readonly totals: LevelCounts;
  readonly total: number;
  readonly denied: readonly DeniedAction[];
  readonly coverage: Coverage;
  /** The what-if context the report was computed under, when one was given. */
  readonly context?: Readonly<Record<string, ContextValue>>;
}

export function emptyCounts(): LevelCounts {
  return { List: 0, Read: 0, Write: 0, 'Permissions management': 0, Tagging: 0 };
}

/**
 * The catalog writes `Tagging, Write` and `Permissions management, Write`: the specific level
 * is the one that matters to a reviewer, so it wins. Unknown strings count as Write (the cautious side).
 */
export function classifyAccessLevel(catalogLevel: string): AccessLevel {
  const l = catalogLevel.toLowerCase();
  if (l.includes('permissions management')) return 'Permissions management';
  if (l.includes('tagging')) return 'Tagging';
  if (l.includes('write')) return 'Write';
  if (l.includes('read')) return 'Read';
  if (l.includes('list')) return 'List';
  return 'Write';
}
