/**
 * The authorization request and the policy set, in the shape of the scenario file's
 * `request` and `policies` objects (design.md, "Decision scenario file").
 */

/** A context value as AWS sends it: a string, or a list of strings for multi-valued keys. */
export type ContextValue = string | readonly string[];

export interface AuthorizationRequest {
  /** The caller's ARN (user, role, assumed-role session, federated user, root) or a service principal. */
  readonly principal: string;
  /** `service:Action`, matched case-insensitively. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** The account that owns the resource; defaults to the principal's account. */
  readonly resourceAccount?: string;
  /** Request context keys (case-insensitive names). */
  readonly context?: Readonly<Record<string, ContextValue>>;
}

/**
 * A policy document as JSON text (keeps source locations in explanations) or as a parsed value.
 */
export type PolicyInput = string | Readonly<Record<string, unknown>>;

/** One policy or a list of them: the scenario file accepts both where a single policy is usual. */
export type PolicyInputs = PolicyInput | readonly PolicyInput[];

export interface PolicySetInput {
  readonly identity?: readonly PolicyInput[] | null;
  readonly boundary?: PolicyInputs | null;
  readonly session?: PolicyInputs | null;
  readonly resource?: PolicyInputs | null;
  /** Organization levels, root first; each level a list of SCP documents. */
  readonly scp?: readonly (readonly PolicyInput[])[] | null;
  /** Organization levels, root first; each level a list of RCP documents. */
  readonly rcp?: readonly (readonly PolicyInput[])[] | null;
}

export type PolicyType = 'identity' | 'boundary' | 'session' | 'resource' | 'scp' | 'rcp';

export const POLICY_TYPES: readonly PolicyType[] = ['rcp', 'scp', 'resource', 'identity', 'boundary', 'session'];
