/**
 * Operational failures of the control-plane store (design.md: typed `Error` subclasses, each with a
 * stable `code`). The server maps them to HTTP statuses; the CLI to exit codes.
 */
import type { Role } from './control-plane-port.js';

export type ControlPlaneStoreErrorCode =
  | 'control-plane-store/token-exists'
  | 'control-plane-store/deployment-not-found'
  | 'control-plane-store/stale-image'
  | 'control-plane-store/invalid-argument'
  | 'control-plane-store/policy-not-found'
  | 'control-plane-store/boundary-not-found'
  | 'control-plane-store/policy-team-mismatch'
  | 'control-plane-store/invalid-policy-transition'
  | 'control-plane-store/stale-policy-status'
  | 'control-plane-store/stale-revision'
  | 'control-plane-store/plan-not-found'
  | 'control-plane-store/risk-profile-not-found'
  | 'control-plane-store/artifact-mismatch'
  | 'control-plane-store/closed'
  | 'control-plane-store/unit-of-work-misuse'
  | 'control-plane-store/corrupt'
  | 'control-plane-store/failure';

export abstract class ControlPlaneStoreError extends Error {
  abstract readonly code: ControlPlaneStoreErrorCode;
}

/** `addToken` with an id that is taken. */
export class TokenExistsError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/token-exists';
  override readonly name = 'TokenExistsError';
  constructor(readonly id: string) {
    super(`token \`${id}\` already exists`);
  }
}

/** `recordImage` for a deployment that is not registered. */
export class DeploymentNotFoundError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/deployment-not-found';
  override readonly name = 'DeploymentNotFoundError';
  constructor(readonly id: string) {
    super(`deployment \`${id}\` is not registered`);
  }
}

/** `recordImage` from a digest that is no longer the deployment's (another node rebuilt first). */
export class StaleImageError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/stale-image';
  override readonly name = 'StaleImageError';
  constructor(readonly deploymentId: string, readonly expected: string | null, readonly actual: string | null) {
    super(`deployment \`${deploymentId}\` runs ${actual ?? 'no image'}, not ${expected ?? 'no image'} as expected; another rebuild came first — re-plan from the current image`);
  }
}

/** A policy (or one of its versions) that does not exist. */
export class PolicyNotFoundError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/policy-not-found';
  override readonly name = 'PolicyNotFoundError';
  constructor(readonly id: string, readonly version?: number) {
    super(`policy \`${id}${version === undefined ? '' : `@${version}`}\` does not exist`);
  }
}

/** A boundary (or one of its versions) that does not exist. */
export class BoundaryNotFoundError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/boundary-not-found';
  override readonly name = 'BoundaryNotFoundError';
  constructor(readonly id: string, readonly version?: number) {
    super(`boundary \`${id}${version === undefined ? '' : `@${version}`}\` does not exist`);
  }
}

/** A new version of a policy for a team other than the one the policy belongs to. */
export class PolicyTeamMismatchError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/policy-team-mismatch';
  override readonly name = 'PolicyTeamMismatchError';
  constructor(readonly id: string, readonly team: string, readonly requested: string) {
    super(`policy \`${id}\` belongs to team \`${team}\`, not \`${requested}\``);
  }
}

/** A lifecycle action that cannot start from the version's status (approve a draft, activate a rejected one). */
export class InvalidPolicyTransitionError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/invalid-policy-transition';
  override readonly name = 'InvalidPolicyTransitionError';
  constructor(readonly id: string, readonly version: number, readonly action: string, readonly status: string) {
    super(`cannot ${action} policy \`${id}@${version}\`: it is ${status}`);
  }
}

/** The version's status is not the one the caller expected (someone else moved it first). */
export class StalePolicyStatusError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/stale-policy-status';
  override readonly name = 'StalePolicyStatusError';
  constructor(readonly id: string, readonly version: number, readonly expected: string, readonly actual: string) {
    super(`policy \`${id}@${version}\` is ${actual}, not ${expected} as expected; read it again`);
  }
}

/** The latest revision of an app profile or environment is not the one the caller expected (If-Match). */
export class StaleRevisionError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/stale-revision';
  override readonly name = 'StaleRevisionError';
  constructor(readonly kind: string, readonly docName: string, readonly expected: number | null, readonly actual: number | null) {
    super(`${kind} \`${docName}\` is at ${actual === null ? 'no revision' : `revision ${actual}`}, not ${expected === null ? 'absent' : `revision ${expected}`} as expected; read it again`);
  }
}

/** An image whose plan is not stored. */
export class PlanNotFoundError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/plan-not-found';
  override readonly name = 'PlanNotFoundError';
  constructor(readonly digest: string) {
    super(`plan \`${digest}\` is not stored; put the plan before its image`);
  }
}

/** A plan naming a risk profile of its deployment that is not recorded. */
export class RiskProfileNotFoundError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/risk-profile-not-found';
  override readonly name = 'RiskProfileNotFoundError';
  constructor(readonly deploymentId: string, readonly seq: number) {
    super(`deployment \`${deploymentId}\` has no risk profile ${seq}`);
  }
}

/** An image put under a digest that is stored with other content. */
export class ArtifactMismatchError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/artifact-mismatch';
  override readonly name = 'ArtifactMismatchError';
  constructor(readonly what: 'image', readonly digest: string) {
    super(`${what} \`${digest}\` is stored with other content; one digest names one ${what}`);
  }
}

/** An argument no store can act on (a negative limit, a role it does not know). */
export class InvalidStoreArgumentError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/invalid-argument';
  override readonly name = 'InvalidStoreArgumentError';
}

/** The store was closed. */
export class ControlPlaneClosedError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/closed';
  override readonly name = 'ControlPlaneClosedError';
  constructor() {
    super('the control-plane store is closed');
  }
}

/** A row the store cannot read back (unparsable JSON, an unknown role or outcome). */
export class CorruptControlPlaneStoreError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/corrupt';
  override readonly name = 'CorruptControlPlaneStoreError';
}

/** Any other failure of the database (I/O, a violated constraint, a lost connection); `cause` holds it. */
export class ControlPlaneStoreFailureError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/failure';
  override readonly name = 'ControlPlaneStoreFailureError';
}

/**
 * A store method called on the store itself from inside one of its units of work: it would wait
 * for the unit of work's own transaction (SQLite's one connection) or for a pooled connection the
 * waiting unit holds (PostgreSQL), so it is refused at once instead. Inside `transaction(work)`,
 * use the `tx` stores.
 */
export class UnitOfWorkMisuseError extends ControlPlaneStoreError {
  readonly code = 'control-plane-store/unit-of-work-misuse';
  override readonly name = 'UnitOfWorkMisuseError';
}

export const ROLES: readonly Role[] = ['central-admin', 'delegated-admin', 'approver', 'auditor', 'service'];
