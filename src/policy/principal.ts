/**
 * Principals: what kind of caller a request comes from, which identities it carries, and how the
 * entries of a Principal/NotPrincipal element match them (docs/semantics.md, "Principal").
 *
 * Identities are keys: `exact:<arn>`, `role:<account>/<role name>`, `account:<account>`. A request
 * carries several (a role session: its own ARN, its role, its account); a Principal entry names one.
 */
import type { PrincipalElement, PrincipalEntry } from './ast.js';
import { parseArn } from './arn.js';

export type CallerKind = 'user' | 'role' | 'assumed-role' | 'federated-user' | 'root' | 'service' | 'other';

export interface Caller {
  readonly arn: string;
  readonly kind: CallerKind;
  readonly partition: string | undefined;
  readonly account: string | undefined;
  readonly userName: string | undefined;
  readonly roleName: string | undefined;
  /** For roles and sessions: `arn:<partition>:iam::<account>:role/<name>` (a session's role path is unknown). */
  readonly roleArn: string | undefined;
  /** Service-linked roles and their sessions: SCPs and RCPs do not apply to them. */
  readonly serviceLinked: boolean;
  readonly identities: readonly string[];
}

export function parseCaller(principal: string): Caller {
  const arn = parseArn(principal);
  if (arn === undefined) {
    const service = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal);
    return caller(principal, service ? 'service' : 'other', undefined, undefined, undefined, undefined, undefined, false, [`exact:${principal}`]);
  }
  const { partition, account, resource } = arn;
  const accountId = `account:${account}`;
  if (arn.service === 'iam' && resource === 'root') return caller(principal, 'root', partition, account, undefined, undefined, undefined, false, [accountId]);
  if (arn.service === 'iam' && resource.startsWith('user/')) {
    const userName = resource.slice(resource.lastIndexOf('/') + 1);
    return caller(principal, 'user', partition, account, userName, undefined, undefined, false, [`exact:${principal}`, accountId]);
  }
  if (arn.service === 'iam' && resource.startsWith('role/')) {
    const roleName = resource.slice(resource.lastIndexOf('/') + 1);
    return caller(principal, 'role', partition, account, undefined, roleName, principal, resource.startsWith('role/aws-service-role/'), [`role:${account}/${roleName}`, accountId]);
  }
  if (arn.service === 'sts' && resource.startsWith('assumed-role/')) {
    const roleName = resource.split('/')[1] ?? '';
    const roleArn = `arn:${partition}:iam::${account}:role/${roleName}`;
    return caller(principal, 'assumed-role', partition, account, undefined, roleName, roleArn, roleName.startsWith('AWSServiceRoleFor'), [`exact:${principal}`, `role:${account}/${roleName}`, accountId]);
  }
  if (arn.service === 'sts' && resource.startsWith('federated-user/')) {
    return caller(principal, 'federated-user', partition, account, resource.slice('federated-user/'.length), undefined, undefined, false, [`exact:${principal}`, accountId]);
  }
  return caller(principal, 'other', partition, account, undefined, undefined, undefined, false, [`exact:${principal}`, accountId]);
}

/** One object shape for every caller (V8 keeps property access monomorphic on the hot path). */
function caller(
  arn: string, kind: CallerKind, partition: string | undefined, account: string | undefined, userName: string | undefined,
  roleName: string | undefined, roleArn: string | undefined, serviceLinked: boolean, identities: readonly string[],
): Caller {
  return { arn, kind, partition, account, userName, roleName, roleArn, serviceLinked, identities };
}

/** How a resource-based grant names the caller; the strongest wins (docs/semantics.md step 4). */
export type PrincipalMatch = 'direct' | 'role' | 'account';

const STRENGTH: Record<PrincipalMatch, number> = { direct: 3, role: 2, account: 1 };

export function strongerMatch(a: PrincipalMatch | undefined, b: PrincipalMatch | undefined): PrincipalMatch | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}

/** The identity key a Principal entry names, and the match kind when it matches. */
export function entryIdentity(entry: PrincipalEntry): { key: string; match: PrincipalMatch } {
  const v = entry.value.value;
  if (entry.kind !== 'AWS') return { key: `exact:${v}`, match: 'direct' };
  if (/^[0-9]{12}$/.test(v)) return { key: `account:${v}`, match: 'account' };
  const arn = parseArn(v);
  if (arn?.service === 'iam' && arn.resource === 'root') return { key: `account:${arn.account}`, match: 'account' };
  if (arn?.service === 'iam' && arn.resource.startsWith('role/')) {
    return { key: `role:${arn.account}/${arn.resource.slice(arn.resource.lastIndexOf('/') + 1)}`, match: 'role' };
  }
  return { key: `exact:${v}`, match: 'direct' };
}

export interface CompiledPrincipal {
  /** How the element matches the caller, or undefined when it does not apply to it. */
  match(caller: Caller): PrincipalMatch | undefined;
}

export function compilePrincipal(element: PrincipalElement): CompiledPrincipal {
  const named = new Map<string, PrincipalMatch>();
  for (const e of element.entries) {
    const { key, match } = entryIdentity(e);
    named.set(key, strongerMatch(named.get(key), match) ?? match);
  }
  if (element.negated) {
    // NotPrincipal applies when some identity of the caller is not named exactly.
    return {
      match: (caller) => (element.anyone ? undefined : caller.identities.some((id) => !named.has(id)) ? 'direct' : undefined),
    };
  }
  return {
    match: (caller) => {
      if (element.anyone) return 'direct';
      let best: PrincipalMatch | undefined;
      for (const id of caller.identities) best = strongerMatch(best, named.get(id));
      return best;
    },
  };
}
