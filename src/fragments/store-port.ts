/**
 * The fragment repository port: what the app layer needs from storage, whatever holds it (the
 * in-memory adapter here, the Kysely adapters in src/store). Every adapter passes the one contract
 * suite in testing/store-contract.test-support.ts.
 *
 * Stored versions are immutable except for their status, which moves only by `transition`.
 * `FragmentVersion.actions` is derived from the content: the lower-cased `Action` patterns of all
 * statements (Allow and Deny), without duplicates, in the order they first appear. `NotAction` is
 * not represented (it grants or denies the complement of its list), so action queries do not find
 * NotAction statements.
 */
import type { LifecycleAction } from './lifecycle.js';
import type { FragmentContent, FragmentRef, FragmentStatus, FragmentVersion } from './model.js';

export interface FragmentQuery {
  /** Exact (case-sensitive) resource type, e.g. `s3:object`. */
  resourceType?: string;
  /**
   * An IAM action pattern (`*` any run including `:`, `?` one character, case-insensitive): the
   * fragments some of whose statements (with `effect`) have an Action pattern that can match an
   * action this pattern matches. `s3:Get*` finds a fragment granting `s3:GetObject` or `s3:*`.
   */
  action?: string;
  /** The Effect of the statements `action` looks at (default Allow); ignored without `action`. */
  effect?: 'Allow' | 'Deny';
  /** Exact tags that must all be present. */
  tags?: string[];
  /** Inclusive bounds on the fragment's risk. */
  minRisk?: number;
  maxRisk?: number;
  /** Any of these statuses; an empty list matches nothing. */
  status?: FragmentStatus[];
  /** A case-insensitive substring of the id, the title or the description. */
  text?: string;
  /**
   * Only the newest *matching* version per id (default true): filters apply to each version first,
   * so `{status: ['approved']}` gives each fragment's newest approved version even when a newer
   * draft exists.
   */
  latestOnly?: boolean;
  /** Page size (a non-negative integer; all when absent) and start (default 0). */
  limit?: number;
  offset?: number;
}

/** Results are ordered by id, then version (oldest first); `total` counts all matches, before paging. */
export interface FragmentSearchResult {
  items: FragmentVersion[];
  total: number;
}

export interface Actor {
  by: string;
  /** ISO time, given by the caller: stores never read the clock. */
  at: string;
}

export interface FragmentStore {
  /** Version 1, status draft. FragmentExistsError when the id exists. */
  create(content: FragmentContent, actor: Actor): Promise<FragmentVersion>;
  /**
   * The next version of an existing id, status draft. FragmentNotFoundError when the id does not
   * exist; FragmentUnchangedError when the content hash equals the latest version's.
   */
  addVersion(content: FragmentContent, actor: Actor): Promise<FragmentVersion>;
  get(ref: FragmentRef): Promise<FragmentVersion | undefined>;
  /** Oldest first; empty for an unknown id. */
  versions(id: string): Promise<FragmentVersion[]>;
  /**
   * Moves the version's status along the lifecycle and appends to its history, atomically.
   * FragmentNotFoundError, StaleStatusError when `expected` is given and differs from the current
   * status (optimistic concurrency; checked before the lifecycle), InvalidTransitionError.
   */
  transition(ref: FragmentRef, action: LifecycleAction, actor: Actor & { comment?: string }, expected?: FragmentStatus): Promise<FragmentVersion>;
  /** InvalidQueryError for a query no store can run (negative limit, unknown status, ...). */
  search(query: FragmentQuery): Promise<FragmentSearchResult>;
  /** Idempotent; every later call fails with StoreClosedError. */
  close(): Promise<void>;
}
