/**
 * Authorization of API calls by Tessera's own policy engine. Each role's policy (roles.ts) is
 * compiled once into an authorizer; every route declares the checks a request needs (action,
 * resource, context) and all of them must be allowed. A denial is audited and answered with a 403
 * problem that carries the decision's summary and nothing of the resource.
 */
import { createAuthorizer, type Authorizer, type Decision } from '../policy/index.js';
import type { Role } from '../store/index.js';
import type { AuditTrail } from './audit-trail.js';
import type { Caller } from './authn.js';
import { ProblemError } from './problem.js';
import { engineArn, enginePrincipal, type TesseraAction } from './resources.js';
import { ROLE_POLICIES, ROLES } from './roles.js';

export interface AccessCheck {
  action: TesseraAction;
  /** A TRN, e.g. `trn:tessera:fragment/s3-read`. */
  resource: string;
  /** The owning team of the resource, when it has one (fragments: `content.owner`). */
  owner?: string;
}

export class AccessControl {
  private readonly authorizers: ReadonlyMap<Role, Authorizer>;

  constructor(private readonly audit: AuditTrail) {
    // Compiled once: the role policies are fixed data, and a failure here is a bug in roles.ts.
    this.authorizers = new Map(ROLES.map((r) => [r, createAuthorizer({ identity: [ROLE_POLICIES[r]] })]));
  }

  decide(caller: Caller, check: AccessCheck): Decision {
    const authorizer = this.authorizers.get(caller.role);
    if (authorizer === undefined) throw new Error(`no policy for role ${caller.role}`);
    const context: Record<string, string> = {};
    if (caller.team !== null) context['tessera:PrincipalTeam'] = caller.team;
    if (check.owner !== undefined) context['tessera:ResourceOwner'] = check.owner;
    return authorizer.authorize({ principal: enginePrincipal(caller.principal), action: check.action, resource: engineArn(check.resource), context });
  }

  /** Throws a 403 ProblemError (after auditing the denial) unless every check is allowed. */
  async require(caller: Caller, checks: readonly AccessCheck[]): Promise<void> {
    for (const check of checks) {
      const d = this.decide(caller, check);
      if (d.decision === 'Allow') continue;
      await this.audit.record(caller.principal, check.action, check.resource, 'denied', { role: caller.role, decision: d.decision, reason: d.summary });
      throw new ProblemError(403, 'server/forbidden', `${caller.role} \`${caller.principal}\` may not ${check.action} on ${check.resource}: ${d.summary}`);
    }
  }

  /** A denial decided outside the policies (separation of duties), audited the same way. */
  async deny(caller: Caller, action: TesseraAction, resource: string, detail: string): Promise<never> {
    await this.audit.record(caller.principal, action, resource, 'denied', { role: caller.role, reason: detail });
    throw new ProblemError(403, 'server/separation-of-duties', detail);
  }
}
