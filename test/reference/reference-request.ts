/**
 * The request as the reference interpreter sees it: who the caller is (parsed from its ARN) and a
 * case-insensitive context lookup that falls back to the keys derived from the request
 * (semantics.md, "The request").
 */
import type { AuthorizationRequest, ContextValue } from '../../src/policy/request.js';

export type CallerKind = 'user' | 'role' | 'session' | 'federated' | 'root' | 'service' | 'other';

export interface Caller {
  readonly arn: string;
  readonly kind: CallerKind;
  readonly partition?: string;
  /** The fifth ARN field; undefined for service principals. */
  readonly account?: string;
  /** For a role or an assumed-role session: the role's name (last path segment of a role ARN). */
  readonly roleName?: string;
  /** For an IAM user: the user's name without its path. */
  readonly userName?: string;
  /** `role/aws-service-role/...` or `assumed-role/AWSServiceRoleFor...`: SCPs and RCPs do not apply. */
  readonly serviceLinked: boolean;
}

export function parseCaller(principal: string): Caller {
  const fields = principal.startsWith('arn:') ? principal.split(':') : undefined;
  if (fields === undefined) return { arn: principal, kind: 'service', serviceLinked: false };
  const partition = fields[1] ?? '';
  const service = fields[2] ?? '';
  const account = fields[4];
  const resource = fields.slice(5).join(':');
  const base = { arn: principal, partition, account: account === '' ? undefined : account, serviceLinked: false };
  const segments = resource.split('/');
  const last = segments[segments.length - 1] ?? '';
  if (service === 'iam' && resource === 'root') return { ...base, kind: 'root' };
  if (service === 'iam' && segments[0] === 'user' && segments.length >= 2) return { ...base, kind: 'user', userName: last };
  if (service === 'iam' && segments[0] === 'role' && segments.length >= 2) {
    return { ...base, kind: 'role', roleName: last, serviceLinked: resource.startsWith('role/aws-service-role/') };
  }
  if (service === 'sts' && segments[0] === 'assumed-role' && segments.length >= 3) {
    const roleName = segments[1] ?? '';
    return { ...base, kind: 'session', roleName, serviceLinked: roleName.startsWith('AWSServiceRoleFor') };
  }
  if (service === 'sts' && segments[0] === 'federated-user' && segments.length >= 2) return { ...base, kind: 'federated' };
  return { ...base, kind: 'other' };
}

/** The account that owns the resource: `resourceAccount`, else the caller's account. */
export function resourceAccountOf(request: AuthorizationRequest, caller: Caller): string | undefined {
  // Given, else the caller's account, else the account field of the resource ARN (a service caller has none).
  const fromArn = request.resource.startsWith('arn:') ? request.resource.split(':')[4] : undefined;
  return request.resourceAccount ?? caller.account ?? (fromArn === '' ? undefined : fromArn);
}

const PRINCIPAL_TYPES: Readonly<Record<CallerKind, string | undefined>> = {
  user: 'User',
  // A role ARN given as the caller stands for the role acting, which AWS reports as AssumedRole.
  role: 'AssumedRole',
  session: 'AssumedRole',
  federated: 'FederatedUser',
  root: 'Account',
  service: 'AWSService',
  other: undefined,
};

/** The keys derived from the request (lower-cased names), used when the context does not set them. */
function derivedKeys(request: AuthorizationRequest, caller: Caller): Map<string, string> {
  const derived = new Map<string, string>();
  const set = (key: string, value: string | undefined): void => {
    if (value !== undefined) derived.set(key.toLowerCase(), value);
  };
  if (caller.kind === 'session') set('aws:PrincipalArn', `arn:${caller.partition}:iam::${caller.account ?? ''}:role/${caller.roleName}`);
  else if (caller.kind !== 'service') set('aws:PrincipalArn', caller.arn);
  set('aws:PrincipalAccount', caller.account);
  if (caller.kind === 'user') set('aws:username', caller.userName);
  set('aws:PrincipalType', PRINCIPAL_TYPES[caller.kind]);
  set('aws:ResourceAccount', resourceAccountOf(request, caller));
  set('aws:PrincipalIsAWSService', caller.kind === 'service' ? 'true' : 'false');
  return derived;
}

/** A present context value: `multi` when it was sent as a (non-empty) list. */
export interface PresentValue {
  readonly values: readonly string[];
  readonly multi: boolean;
}

/** Looks a key up case-insensitively; undefined when missing. */
export type ContextLookup = (key: string) => PresentValue | undefined;

/**
 * Context keys are case-insensitive; an empty list is a missing key; a derived key fills in only
 * when the context has no (non-empty) value for it. When two context entries differ only by case,
 * the first one in the object's order wins.
 */
export function contextLookup(request: AuthorizationRequest, caller: Caller): ContextLookup {
  const entries: [string, ContextValue][] = Object.entries(request.context ?? {});
  const derived = derivedKeys(request, caller);
  return (key) => {
    const wanted = key.toLowerCase();
    const entry = entries.find(([name]) => name.toLowerCase() === wanted);
    if (entry !== undefined) {
      const value = entry[1];
      if (typeof value === 'string') return { values: [value], multi: false };
      if (value.length > 0) return { values: [...value], multi: true };
    }
    const fallback = derived.get(wanted);
    return fallback === undefined ? undefined : { values: [fallback], multi: false };
  };
}
