/**
 * The policy set `/v1/authorize` decides a principal's requests against when the caller sends no
 * policies: the active versions of the policies assigned to the principal as identity policies,
 * and the boundaries they were synthesized under as the permissions boundary.
 *
 * Each synthesized version was proven contained in its boundary before approval, so with several
 * boundaries their union bounds exactly what the policies grant; they are given to the engine
 * together (one boundary of several documents) rather than intersected, which would deny what one
 * boundary allows and another never mentions. An explicit Deny in any of them still applies to all.
 *
 * Assembling reads the store; it is cached per principal and compiled through the PolicyCache (so
 * principals with the same policies share one authorizer). The cache is cleared whenever an
 * assignment, an activation or a boundary changes on this server.
 */
import type { PolicySetInput } from '../policy/index.js';
import type { PolicyStore } from '../store/index.js';
import type { Compiled, PolicyCache } from './policy-cache.js';

export interface PrincipalPolicySet {
  /** The compiled set; undefined when the principal has no assignment or no assigned policy is active. */
  compiled?: Compiled;
  /** `id@version` of the active versions used, in assignment order. */
  policies: string[];
}

/** The principal's set as the engine takes it, or undefined when nothing is assigned and active. */
export async function assemblePolicySet(store: PolicyStore, principal: string): Promise<{ set: PolicySetInput; policies: string[] } | undefined> {
  const held = await activePolicies(store, principal);
  if (held === undefined || held.policies.length === 0) return undefined;
  return { set: { identity: held.identity, boundary: held.boundaries } as PolicySetInput, policies: held.policies };
}

interface HeldPolicies {
  /** `id@version` of the active versions, in assignment order. */
  policies: string[];
  identity: object[];
  /** Each boundary version once. */
  boundaries: object[];
}

/** The active assigned policies and their boundaries; undefined when the principal has no assignment. */
async function activePolicies(store: PolicyStore, principal: string): Promise<HeldPolicies | undefined> {
  const assignment = await store.getAssignment(principal);
  if (assignment === undefined) return undefined;
  const identity: object[] = [];
  const boundaries = new Map<string, object>();
  const used: string[] = [];
  for (const id of assignment.policyIds) {
    const active = await store.activeVersion(id);
    if (active === undefined) continue;
    used.push(`${id}@${active.version}`);
    identity.push(...(active.documents as object[]));
    const { id: bid, version } = active.request.boundary;
    const key = `${bid}@${version}`;
    if (boundaries.has(key)) continue;
    const b = await store.getBoundary(bid, version);
    // The store refuses versions under unknown boundaries, so a missing one is a deleted row: grant nothing.
    boundaries.set(key, (b?.document as object | undefined) ?? { Version: '2012-10-17', Statement: [] });
  }
  return { policies: used, identity, boundaries: [...boundaries.values()] };
}

/**
 * What a delegated admin holds itself, for the synthesis proof "contained in the boundary and in
 * the delegator's own permissions" (design.md, Blending): the active versions of the policies
 * assigned to its principal and the boundaries they were synthesized under. `policies: null` when
 * Tessera manages no permissions for the principal (no assignment): it is then bounded by its
 * team's boundary alone, and the verdict says so. An assignment with nothing active holds nothing.
 */
export async function delegatorPermissions(store: PolicyStore, principal: string): Promise<HeldPolicies | { policies: null }> {
  return (await activePolicies(store, principal)) ?? { policies: null };
}

export interface PrincipalPoliciesOptions {
  /** Milliseconds now (the server's clock). */
  clock: () => number;
  /** How often the store's revision is compared (default 1 s). */
  recheckMs?: number;
  /** Principals kept (default 1,024), oldest out first. */
  capacity?: number;
}

export class PrincipalPolicies {
  readonly #entries = new Map<string, Promise<PrincipalPolicySet>>();
  #revision: number | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | undefined;

  constructor(private readonly store: PolicyStore, private readonly options: PrincipalPoliciesOptions) {}

  /** `compiler` is the server's PolicyCache: principals with the same policies share one authorizer. */
  async get(principal: string, compiler: PolicyCache): Promise<PrincipalPolicySet> {
    if (this.options.clock() - this.#checkedAt >= (this.options.recheckMs ?? 1000)) await (this.#checking ??= this.#recheck());
    const hit = this.#entries.get(principal);
    if (hit !== undefined) return hit;
    const loading = (async (): Promise<PrincipalPolicySet> => {
      const a = await assemblePolicySet(this.store, principal);
      return a === undefined ? { policies: [] } : { compiled: compiler.get(a.set), policies: a.policies };
    })();
    // Set before awaiting, so an invalidation that comes while this loads removes it too.
    this.#entries.set(principal, loading);
    if (this.#entries.size > (this.options.capacity ?? 1024)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    loading.catch(() => {
      if (this.#entries.get(principal) === loading) this.#entries.delete(principal);
    });
    return loading;
  }

  /** After any change that may alter some principal's set (which ones is not worth working out). */
  invalidate(): void {
    this.#entries.clear();
  }

  async #recheck(): Promise<void> {
    try {
      const revision = await this.store.revision();
      if (revision !== this.#revision) {
        this.#revision = revision;
        this.#entries.clear();
      }
      this.#checkedAt = this.options.clock();
    } finally {
      this.#checking = undefined;
    }
  }
}
