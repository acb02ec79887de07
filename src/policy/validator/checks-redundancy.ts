/**
 * Redundancy: actions and resources covered by another in the same statement, statements covered
 * by another of the same effect, and Allows that a Deny of the same policy always overrides.
 * Coverage is a sound check (what it reports is certainly covered); policy-analysis is exact.
 */
import type { Located, Statement } from '../ast.js';
import { arnPatternCovers } from '../arn.js';
import { globCovers, tokenizeGlob } from '../glob.js';
import { statementPath, type Check } from './check-context.js';

const actionCovers = (outer: string, inner: string) => globCovers(tokenizeGlob(outer.toLowerCase()), tokenizeGlob(inner.toLowerCase()));
const resourceCovers = (outer: string, inner: string) => arnPatternCovers(tokenizeGlob(outer), tokenizeGlob(inner));

/** Reports the first entry covered by an earlier one, or a later one that is strictly broader. */
function coveredEntries(list: readonly Located[], covers: (o: string, i: string) => boolean): { entry: Located; index: number; by: string }[] {
  const out: { entry: Located; index: number; by: string }[] = [];
  list.forEach((inner, i) => {
    const by = list.find((outer, j) => j !== i && covers(outer.value, inner.value) && (j < i || !covers(inner.value, outer.value)));
    if (by !== undefined) out.push({ entry: inner, index: i, by: by.value });
  });
  return out;
}

export const checkRedundantEntries: Check = (ctx) => {
  for (const s of ctx.document.statements) {
    const actionName = s.action.negated ? 'NotAction' : 'Action';
    for (const c of coveredEntries(s.action.patterns, actionCovers)) {
      ctx.report('policy/redundant-action', `\`${c.entry.value}\` is already covered by \`${c.by}\``, 'remove it', c.entry.loc, `${statementPath(s)}.${actionName}[${c.index}]`);
    }
    if (s.resource === undefined) continue;
    const resourceName = s.resource.negated ? 'NotResource' : 'Resource';
    for (const c of coveredEntries(s.resource.patterns, resourceCovers)) {
      ctx.report('policy/redundant-resource', `\`${c.entry.value}\` is already covered by \`${c.by}\``, 'remove it', c.entry.loc, `${statementPath(s)}.${resourceName}[${c.index}]`);
    }
  }
};

/** Every request `inner` applies to, `outer` applies to as well (conditions: outer has none or the same). */
function statementCovers(outer: Statement, inner: Statement): boolean {
  if (outer.action.negated || inner.action.negated) return false;
  if (outer.resource?.negated === true || inner.resource?.negated === true) return false;
  if (JSON.stringify(principalShape(outer)) !== JSON.stringify(principalShape(inner)) && outer.principal !== undefined && !(outer.principal.anyone && !outer.principal.negated)) return false;
  if (outer.conditions.length > 0 && JSON.stringify(conditionShape(outer)) !== JSON.stringify(conditionShape(inner))) return false;
  const actionsCovered = inner.action.patterns.every((i) => outer.action.patterns.some((o) => actionCovers(o.value, i.value)));
  const resourcesCovered = (inner.resource?.patterns ?? []).every((i) => (outer.resource?.patterns ?? []).some((o) => resourceCovers(o.value, i.value)));
  return actionsCovered && resourcesCovered;
}

function principalShape(s: Statement): unknown {
  return s.principal === undefined ? null : { n: s.principal.negated, a: s.principal.anyone, e: s.principal.entries.map((e) => [e.kind, e.value.value]).sort() };
}

function conditionShape(s: Statement): unknown {
  return s.conditions.map((c) => [c.operator, c.key.toLowerCase(), c.values.map((v) => v.value).sort()]).sort();
}

export const checkRedundantStatements: Check = (ctx) => {
  const list = ctx.document.statements;
  list.forEach((inner, i) => {
    const label = inner.sid !== undefined ? `\`${inner.sid}\`` : `#${inner.index}`;
    if (inner.effect === 'Allow') {
      const deny = list.find((d) => d.effect === 'Deny' && d.conditions.length === 0 && statementCovers(d, inner));
      if (deny !== undefined) {
        ctx.report('policy/shadowed-statement', `statement ${label} allows only what statement ${deny.sid !== undefined ? `\`${deny.sid}\`` : `#${deny.index}`} denies`, 'the Allow never takes effect: remove it, or narrow the Deny', inner.loc, statementPath(inner));
        return;
      }
    }
    const outer = list.find((o, j) => j !== i && o.effect === inner.effect && statementCovers(o, inner) && (j < i || !statementCovers(inner, o)));
    if (outer !== undefined) {
      ctx.report('policy/redundant-statement', `statement ${label} is covered by statement ${outer.sid !== undefined ? `\`${outer.sid}\`` : `#${outer.index}`}`, 'remove it, or merge the two', inner.loc, statementPath(inner));
    }
  });
};
