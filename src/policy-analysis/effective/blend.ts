/**
 * One catalog action against the whole input: its grants per side, the denies that can reach
 * them, and whether it survives the blend (every side allows some common resource, and the
 * unconditional denies leave something).
 */
import type { ActionInfo } from '../../policy/index.js';
import { scopesCover, scopesOverlap } from './resources.js';
import type { StatementView } from './statements.js';
import { classifyAccessLevel, type ActionEntry, type DeniedAction, type DenyEntry, type Grant, type PolicySide } from './types.js';

export type BlendResult = { readonly kind: 'effective'; readonly entry: ActionEntry } | { readonly kind: 'denied'; readonly denied: DeniedAction };

/** Grants and denies of the statements that cover the action and that the context leaves standing. */
function collect(action: string, views: readonly StatementView[]): { grants: Grant[]; denies: DenyEntry[] } {
  const lower = action.toLowerCase();
  const grants: Grant[] = [];
  const denies: DenyEntry[] = [];
  for (const v of views) {
    if (!v.matchesAction(lower)) continue;
    const conditions = v.conditions(action);
    if (conditions === false) continue;
    if (v.effect === 'Allow') grants.push({ side: v.side, resources: v.resources, conditions, statement: v.origin });
    else denies.push({ resources: v.resources, conditions, statement: v.origin });
  }
  return { grants, denies };
}

/**
 * Drops grants that no grant of another required side can meet on a common resource: with a
 * boundary on bucket A, an identity grant on bucket B allows nothing. Repeats until stable.
 */
function pruneAcrossSides(grants: Grant[], sides: readonly PolicySide[]): Grant[] {
  let current = grants;
  for (;;) {
    const next = current.filter((g) => sides.every((s) => s === g.side || current.some((o) => o.side === s && scopesOverlap(o.resources, g.resources))));
    if (next.length === current.length) return next;
    current = next;
  }
}

/** The side to blame when the sides share no resource: the first that meets no identity grant. */
function blame(live: readonly Grant[], sides: readonly PolicySide[]): PolicySide {
  const identity = live.filter((g) => g.side === 'identity');
  const other = sides.filter((s) => s !== 'identity');
  return other.find((s) => !live.some((g) => g.side === s && identity.some((i) => scopesOverlap(i.resources, g.resources)))) ?? other[other.length - 1] ?? 'identity';
}

/** Undefined when the identity policies grant nothing for the action under the context. */
export function blendAction(info: ActionInfo, views: readonly StatementView[], sides: readonly PolicySide[]): BlendResult | undefined {
  const action = `${info.service}:${info.name}`;
  const accessLevel = classifyAccessLevel(info.accessLevel);
  const { grants, denies } = collect(action, views);
  if (!grants.some((g) => g.side === 'identity')) return undefined;

  // Only a deny the context cannot lift removes a grant; a conditional one is listed instead.
  const hard = denies.filter((d) => d.conditions.length === 0);
  const hardScopes = hard.map((d) => d.resources);
  const live = grants.filter((g) => !scopesCover(hardScopes, g.resources));
  for (const side of sides) {
    if (live.some((g) => g.side === side)) continue;
    const own = grants.filter((g) => g.side === side);
    // Identity always has a grant here, so a side without any is a boundary or session policy.
    const denied: DeniedAction =
      own.length > 0 || side === 'identity'
        ? { action, accessLevel, reason: 'explicit-deny', statements: hard.filter((d) => own.some((g) => scopesOverlap(d.resources, g.resources))).map((d) => d.statement) }
        : { action, accessLevel, reason: side, statements: [] };
    return { kind: 'denied', denied };
  }
  const kept = pruneAcrossSides(live, sides);
  if (sides.some((s) => !kept.some((g) => g.side === s))) {
    const side = blame(live, sides);
    return { kind: 'denied', denied: { action, accessLevel, reason: side === 'identity' ? 'explicit-deny' : side, statements: [] } };
  }
  const identity = kept.filter((g) => g.side === 'identity');
  const relevant = denies.filter((d) => identity.some((g) => scopesOverlap(d.resources, g.resources)));
  const conditional = sides.some((s) => !kept.some((g) => g.side === s && g.conditions.length === 0)) || relevant.some((d) => d.conditions.length > 0);
  return {
    kind: 'effective',
    entry: { action, service: info.service, accessLevel, catalogAccessLevel: info.accessLevel, grants: kept, denies: relevant, conditional },
  };
}
