/**
 * `Principal` and `NotPrincipal` (semantics.md, "Principal" and "NotPrincipal"). Principal ARNs are
 * compared as plain strings: wildcards inside them are ordinary characters.
 */
import type { Caller } from './reference-request.js';
import { parseCaller } from './reference-request.js';

/**
 * How a matching `Principal` names the caller, strongest first. The same-account decision depends
 * on it: `direct` grants on its own, `role` counts like an identity-based allow, `account` only
 * delegates to the account's identity-based policies.
 */
export type PrincipalForm = 'direct' | 'role' | 'account';

const STRENGTH: Readonly<Record<PrincipalForm, number>> = { direct: 3, role: 2, account: 1 };

interface Entry {
  readonly kind: string;
  readonly value: string;
}

/** `"*"` or `{ "AWS": ..., "Service": ..., ... }` with string or string-list values; undefined if malformed. */
export function principalEntries(element: unknown): Entry[] | undefined {
  if (element === '*') return [{ kind: 'AWS', value: '*' }];
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return undefined;
  const entries: Entry[] = [];
  for (const [kind, raw] of Object.entries(element)) {
    const values: unknown[] = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (typeof value !== 'string') return undefined;
      entries.push({ kind, value });
    }
  }
  return entries;
}

/** The account an `AWS` entry names as a whole (`111122223333` or `arn:...:iam::111122223333:root`). */
function namedAccount(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  const parsed = parseCaller(value);
  return parsed.kind === 'root' ? parsed.account : undefined;
}

/** Whether an `AWS` entry is a role ARN naming the caller's role (same partition, account and role name). */
function namesCallersRole(value: string, caller: Caller): boolean {
  if (caller.kind !== 'session' && caller.kind !== 'role') return false;
  const role = parseCaller(value);
  return role.kind === 'role' && role.partition === caller.partition && role.account === caller.account && role.roleName === caller.roleName;
}

function entryForm(entry: Entry, caller: Caller): PrincipalForm | undefined {
  if (entry.kind === 'AWS') {
    if (entry.value === '*') return 'direct';
    const account = namedAccount(entry.value);
    if (account !== undefined) return account === caller.account ? 'account' : undefined;
    if (parseCaller(entry.value).kind === 'role') return namesCallersRole(entry.value, caller) ? 'role' : undefined;
    return entry.value === caller.arn ? 'direct' : undefined;
  }
  if (entry.kind === 'Service' || entry.kind === 'Federated' || entry.kind === 'CanonicalUser') {
    return entry.value === caller.arn ? 'direct' : undefined;
  }
  return undefined;
}

/** The strongest form in which `Principal` names the caller; undefined when it does not. */
export function principalForm(entries: readonly Entry[], caller: Caller): PrincipalForm | undefined {
  let best: PrincipalForm | undefined;
  for (const entry of entries) {
    const form = entryForm(entry, caller);
    if (form !== undefined && (best === undefined || STRENGTH[form] > STRENGTH[best])) best = form;
  }
  return best;
}

type Identity = { readonly kind: 'arn' } | { readonly kind: 'role' } | { readonly kind: 'account' };

/**
 * The caller's identities for `NotPrincipal`: its ARN, for a session (or a role) the role (compared
 * by partition, account and role name), and its account. The root user's ARN *is* its account's
 * principal, so the root user has the account identity only.
 */
function identities(caller: Caller): Identity[] {
  if (caller.kind === 'root') return [{ kind: 'account' }];
  const list: Identity[] = caller.kind === 'role' ? [{ kind: 'role' }] : [{ kind: 'arn' }];
  if (caller.kind === 'session') list.push({ kind: 'role' });
  if (caller.account !== undefined) list.push({ kind: 'account' });
  return list;
}

function covered(identity: Identity, entries: readonly Entry[], caller: Caller): boolean {
  return entries.some((entry) => {
    if (entry.kind === 'AWS' && entry.value === '*') return true;
    if (identity.kind === 'account') return entry.kind === 'AWS' && namedAccount(entry.value) === caller.account;
    if (identity.kind === 'role') return entry.kind === 'AWS' && namesCallersRole(entry.value, caller);
    return ['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(entry.kind) && entry.value === caller.arn;
  });
}

/** `NotPrincipal` applies when at least one of the caller's identities is not listed. */
export function notPrincipalApplies(entries: readonly Entry[], caller: Caller): boolean {
  return identities(caller).some((identity) => !covered(identity, entries, caller));
}
