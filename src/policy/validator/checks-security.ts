/** Security findings: grants broader than they look (Access Analyzer's security warnings). */
import { compileGlob, tokenizeGlob } from '../glob.js';
import { statementPath, type Check } from './check-context.js';

export const checkNotElements: Check = (ctx) => {
  for (const s of ctx.document.statements) {
    if (s.effect !== 'Allow') continue;
    if (s.action.negated) {
      ctx.report('policy/allow-not-action', '`Allow` with `NotAction` grants every action not listed, including services AWS adds later', 'list the actions to allow in `Action`, or turn the statement into a `Deny`', s.action.loc, `${statementPath(s)}.NotAction`);
    }
    if (s.resource?.negated === true) {
      ctx.report('policy/allow-not-resource', '`Allow` with `NotResource` grants every resource not listed, in every account', 'list the resources to allow in `Resource`', s.resource.loc, `${statementPath(s)}.NotResource`);
    }
  }
};

export const checkPublicPrincipal: Check = (ctx) => {
  if (ctx.policyType !== 'resource') return;
  for (const s of ctx.document.statements) {
    const p = s.principal;
    if (s.effect !== 'Allow' || p === undefined || p.negated || !p.anyone || s.conditions.length > 0) continue;
    ctx.report('policy/public-principal', 'this statement allows anyone, including anonymous callers from any account', 'name the principals, or add conditions such as `aws:PrincipalOrgID` or `aws:SourceAccount`', p.loc, `${statementPath(s)}.Principal`);
  }
};

const PASS_ROLE = 'iam:passrole';

export const checkPassRole: Check = (ctx) => {
  for (const s of ctx.document.statements) {
    if (s.effect !== 'Allow' || s.action.negated || s.resource === undefined || s.resource.negated) continue;
    const grantsPassRole = s.action.patterns.some((p) => compileGlob(tokenizeGlob(p.value.toLowerCase())).test(PASS_ROLE));
    const star = s.resource.patterns.find((p) => p.value === '*' || p.value === 'arn:aws:iam::*:role/*');
    if (grantsPassRole && star !== undefined && s.conditions.length === 0) {
      ctx.report('policy/pass-role-star', '`iam:PassRole` on every role lets the holder hand any role, including admin roles, to a service it controls', 'name the roles that may be passed, and limit the receiving service with `iam:PassedToService`', star.loc, `${statementPath(s)}.Resource`);
    }
  }
};
