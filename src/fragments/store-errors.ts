/**
 * Operational failures of a fragment store (design.md: typed `Error` subclasses, each with a stable
 * `code`). Problems *in* fragment content are diagnostics of the fragment validator, not these.
 */
import type { FragmentRef, FragmentStatus } from './model.js';
import { formatRef } from './model.js';
import type { LifecycleAction } from './lifecycle.js';

export type FragmentStoreErrorCode =
  | 'fragment-store/exists'
  | 'fragment-store/not-found'
  | 'fragment-store/unchanged'
  | 'fragment-store/invalid-transition'
  | 'fragment-store/stale-status'
  | 'fragment-store/invalid-query'
  | 'fragment-store/closed'
  | 'fragment-store/corrupt'
  | 'fragment-store/failure';

export abstract class FragmentStoreError extends Error {
  abstract readonly code: FragmentStoreErrorCode;
}

/** `create` for an id that already has versions. */
export class FragmentExistsError extends FragmentStoreError {
  readonly code = 'fragment-store/exists';
  override readonly name = 'FragmentExistsError';
  constructor(readonly id: string) {
    super(`fragment \`${id}\` already exists; add a version to it instead`);
  }
}

/** The id (or the pinned version) is not in the store. */
export class FragmentNotFoundError extends FragmentStoreError {
  readonly code = 'fragment-store/not-found';
  override readonly name = 'FragmentNotFoundError';
  constructor(readonly id: string, readonly version?: number) {
    super(version === undefined ? `fragment \`${id}\` does not exist` : `fragment version \`${formatRef({ id, version })}\` does not exist`);
  }
}

/** `addVersion` with the same content (same hash) as the latest version. */
export class FragmentUnchangedError extends FragmentStoreError {
  readonly code = 'fragment-store/unchanged';
  override readonly name = 'FragmentUnchangedError';
  constructor(readonly ref: FragmentRef, readonly hash: string) {
    super(`the content is identical to \`${formatRef(ref)}\` (${hash}); no version was added`);
  }
}

/** The lifecycle does not allow the action from the version's status. */
export class InvalidTransitionError extends FragmentStoreError {
  readonly code = 'fragment-store/invalid-transition';
  override readonly name = 'InvalidTransitionError';
  constructor(readonly ref: FragmentRef, readonly action: LifecycleAction, readonly status: FragmentStatus, reason: string) {
    super(`\`${formatRef(ref)}\`: ${reason}`);
  }
}

/** Optimistic concurrency: the caller expected another status (someone else moved it first). */
export class StaleStatusError extends FragmentStoreError {
  readonly code = 'fragment-store/stale-status';
  override readonly name = 'StaleStatusError';
  constructor(readonly ref: FragmentRef, readonly expected: FragmentStatus, readonly actual: FragmentStatus) {
    super(`\`${formatRef(ref)}\` is ${actual}, not ${expected} as expected; reload it and try again`);
  }
}

/** A search query a store cannot run (negative limit, unknown status, ...). */
export class InvalidQueryError extends FragmentStoreError {
  readonly code = 'fragment-store/invalid-query';
  override readonly name = 'InvalidQueryError';
}

/** The store was closed. */
export class StoreClosedError extends FragmentStoreError {
  readonly code = 'fragment-store/closed';
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the fragment store is closed');
  }
}

/** What the store holds is not what it wrote (unreadable JSON, a hash that does not match, ...). */
export class CorruptFragmentStoreError extends FragmentStoreError {
  readonly code = 'fragment-store/corrupt';
  override readonly name = 'CorruptFragmentStoreError';
}

/** Any other failure of the underlying storage (I/O, a violated constraint); `cause` holds it. */
export class FragmentStoreFailureError extends FragmentStoreError {
  readonly code = 'fragment-store/failure';
  override readonly name = 'FragmentStoreFailureError';
}
