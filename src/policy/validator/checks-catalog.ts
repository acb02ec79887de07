/**
 * Checks against the AWS catalog: services and actions that exist, wildcard actions that match
 * something, resources that fit the actions' resource types, and `*` resources on actions that
 * could be scoped.
 */
import type { Statement } from '../ast.js';
import { compileArnPattern } from '../arn.js';
import { didYouMean } from '../fuzzy.js';
import { compileGlob, tokenizeGlob } from '../glob.js';
import { arnTemplateGlob, type ActionInfo, type ServiceCatalog } from '../service-catalog.js';
import { statementPath, type Check, type CheckContext } from './check-context.js';

/** The catalog actions a statement's Action list names; undefined when any pattern is unknown. */
export function expandActions(catalog: ServiceCatalog, patterns: readonly string[]): ActionInfo[] | undefined {
  const out: ActionInfo[] = [];
  for (const p of patterns) {
    if (p === '*') return undefined;
    const colon = p.indexOf(':');
    if (colon < 0) return undefined;
    const service = catalog.service(p.slice(0, colon).toLowerCase());
    if (service === undefined) return undefined;
    const glob = compileGlob(tokenizeGlob(p.slice(colon + 1).toLowerCase()));
    const found = [...service.actions.entries()].filter(([k]) => glob.test(k)).map(([, a]) => a);
    if (found.length === 0) return undefined;
    out.push(...found);
  }
  return out;
}

export const checkActions: Check = (ctx) => {
  const catalog = ctx.catalog;
  if (catalog === undefined) return;
  for (const s of ctx.document.statements) {
    s.action.patterns.forEach((p, i) => {
      const path = `${statementPath(s)}.${s.action.negated ? 'NotAction' : 'Action'}[${i}]`;
      const v = p.value;
      const colon = v.indexOf(':');
      if (v === '*' || colon < 0) return; // the parser's invalid-action covers the malformed
      const prefix = v.slice(0, colon).toLowerCase();
      if (/[*?]/.test(prefix)) return;
      if (!catalog.servicePrefixes.includes(prefix)) {
        const hint = didYouMean(prefix, catalog.servicePrefixes);
        ctx.report('policy/unknown-service', `\`${prefix}\` is not an AWS service prefix`, hint !== '' ? hint : 'check the service prefix in the AWS Service Authorization Reference', p.loc, path);
        return;
      }
      const service = catalog.service(prefix);
      if (service === undefined) return;
      const name = v.slice(colon + 1).toLowerCase();
      if (!/[*?]/.test(name)) {
        if (!service.actions.has(name)) {
          const hint = didYouMean(name, [...service.actions.values()].map((a) => a.name));
          ctx.report('policy/unknown-action', `\`${service.prefix}\` has no action \`${v.slice(colon + 1)}\``, hint !== '' ? hint : `see the actions of ${service.name} in the Service Authorization Reference`, p.loc, path);
        }
        return;
      }
      const glob = compileGlob(tokenizeGlob(name));
      if (![...service.actions.keys()].some((k) => glob.test(k))) {
        ctx.report('policy/action-pattern-matches-nothing', `\`${v}\` matches no action of \`${service.prefix}\``, 'fix the pattern; as written the statement covers nothing', p.loc, path);
      }
    });
  }
};

/** Resource-level checks need the statement's actions resolved in the catalog. */
export const checkResources: Check = (ctx) => {
  const catalog = ctx.catalog;
  if (catalog === undefined) return;
  for (const s of ctx.document.statements) {
    if (s.action.negated || s.resource === undefined || s.resource.negated) continue;
    const actions = expandActions(catalog, s.action.patterns.map((p) => p.value));
    if (actions === undefined || actions.length === 0) continue;
    checkResourceTypes(ctx, s, actions, catalog);
    checkWildcardResource(ctx, s, actions);
  }
};

function checkResourceTypes(ctx: CheckContext, s: Statement, actions: readonly ActionInfo[], catalog: ServiceCatalog): void {
  const templates = actions.flatMap((a) => {
    const service = catalog.service(a.service);
    return a.resourceTypes.flatMap((rt) => {
      const info = service?.resourceTypes.get(rt.name.toLowerCase());
      return info === undefined ? [] : [info.arn];
    });
  });
  if (templates.length === 0 || actions.some((a) => a.resourceTypes.length === 0)) return;
  s.resource?.patterns.forEach((p, i) => {
    if (p.value === '*' || p.value.includes('${')) return;
    if (!templates.some((t) => fits(p.value, t))) {
      const kinds = [...new Set(templates.map((t) => t.replace(/\$\{Partition\}/g, 'aws')))].slice(0, 3).join('`, `');
      ctx.report('policy/resource-type-mismatch', `\`${p.value}\` is not a resource any of the statement's actions applies to`, `these actions take resources like \`${kinds}\``, p.loc, `${statementPath(s)}.Resource[${i}]`);
    }
  });
}

/** Could the resource pattern and the ARN template describe a common resource? A heuristic both ways. */
function fits(pattern: string, template: string): boolean {
  const example = (t: string) => t.replace(/\$\{Partition\}/g, 'aws').replace(/\$\{[^}]*\}/g, 'x');
  const asLiteral = pattern.replace(/[*?]/g, 'x');
  const templateGlob = compileArnPattern(tokenizeGlob(arnTemplateGlob(template.replace(/\$\{Partition\}/g, 'aws'))));
  const patternGlob = compileArnPattern(tokenizeGlob(pattern));
  return templateGlob.test(asLiteral) || patternGlob.test(example(template));
}

function checkWildcardResource(ctx: CheckContext, s: Statement, actions: readonly ActionInfo[]): void {
  if (s.effect !== 'Allow' || ctx.policyType !== 'identity') return;
  const star = s.resource?.patterns.findIndex((p) => p.value === '*') ?? -1;
  if (star < 0) return;
  const scoped = actions.filter((a) => a.resourceTypes.some((rt) => rt.name !== ''));
  if (scoped.length === 0) return;
  const names = [...new Set(scoped.map((a) => `${a.service}:${a.name}`))];
  ctx.report('policy/wildcard-resource-for-scoped-action', `\`*\` grants ${names.length === 1 ? `\`${names[0]}\`` : `${names.length} actions`} on every resource, though ${names.length === 1 ? 'it accepts' : 'they accept'} specific ARNs`, 'list the ARNs the statement is for; keep `*` only for actions that take no resource', s.resource?.patterns[star]?.loc, `${statementPath(s)}.Resource[${star}]`);
}
