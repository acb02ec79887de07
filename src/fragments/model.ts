/**
 * Fragments: pre-approved, parameterized IAM policy pieces that delegated admins compose.
 *
 * A fragment's *content* (statements, parameters, metadata, synthesis signature) is written once
 * per version and never changes; its hash (of the canonical JSON) names the version. Only the
 * version's *status* moves, along the lifecycle in lifecycle.ts.
 */

/** A slot such as `${bucket}`: bare identifiers, unlike IAM variables (`${aws:username}`), which hold a colon. */
export interface ParameterSpec {
  readonly description?: string;
  /** A regular expression the whole value must match (anchored). */
  readonly pattern?: string;
  /** The allowed values. */
  readonly enum?: readonly string[];
  /** Used when the synthesis request gives no value. */
  readonly default?: string;
  /**
   * Values may hold `*` or `?` (they would widen the grant). Off unless the author says so:
   * `bucket = "*"` must not turn a one-bucket fragment into an every-bucket one.
   */
  readonly allowWildcards?: boolean;
}

/** A condition every statement of the fragment carries (metadata that synthesis re-checks). */
export interface RequiredCondition {
  /** A short name: `mfa`, `corporate-network`, `tls`, `org-only`, ... */
  readonly name: string;
  readonly operator: string;
  readonly key: string;
  /** Values the condition must test, when they matter (e.g. `true` for MFA). */
  readonly values?: readonly string[];
}

/** What a fragment brings to a composition and what it may not be combined with. */
export interface SynthesisSignature {
  /** Capability tags, e.g. `s3:read`, `iam:pass-role`. */
  readonly provides: readonly string[];
  /** Tags some other fragment of the composition must provide. */
  readonly requires: readonly string[];
  /** Tags (`tag:<tag>`) or fragment ids (`fragment:<id>`) that must not appear beside this one. */
  readonly conflictsWith: readonly string[];
  /** At most one fragment per exclusive group in a composition. */
  readonly exclusiveGroup?: string;
  /** What the fragment costs against the delegator's risk budget. */
  readonly riskBudget: number;
}

/** The authoring form of a fragment version (catalog/fragments/*.json, `tessera fragment add`). */
export interface FragmentContent {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** `service:resource-type` from the AWS catalog, e.g. `s3:object`, `dynamodb:table`. */
  readonly resourceType: string;
  readonly owner: string;
  readonly tags: readonly string[];
  /** 0 (harmless) to 100 (dangerous). */
  readonly risk: number;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  readonly requiredConditions: readonly RequiredCondition[];
  /** IAM statements (JSON objects) with `${param}` slots. */
  readonly statements: readonly Readonly<Record<string, unknown>>[];
  readonly signature: SynthesisSignature;
}

export type FragmentStatus = 'draft' | 'in-review' | 'approved' | 'rejected' | 'deprecated' | 'archived';

export const FRAGMENT_STATUSES: readonly FragmentStatus[] = ['draft', 'in-review', 'approved', 'rejected', 'deprecated', 'archived'];

/** One stored version of a fragment. */
export interface FragmentVersion {
  readonly id: string;
  /** 1, 2, 3, ... per fragment id. */
  readonly version: number;
  /** `sha256:<hex>` of the canonical JSON of `content`. */
  readonly hash: string;
  readonly status: FragmentStatus;
  readonly content: FragmentContent;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Status changes, oldest first. */
  readonly history: readonly StatusChange[];
  /** Derived from the statements: the action patterns the fragment grants or denies. */
  readonly actions: readonly string[];
}

export interface StatusChange {
  readonly from: FragmentStatus;
  readonly to: FragmentStatus;
  readonly at: string;
  readonly by: string;
  readonly comment?: string;
}

/** A pinned reference, as a synthesis request names fragments: `s3-read-bucket@3`. */
export interface FragmentRef {
  readonly id: string;
  readonly version: number;
}

export function formatRef(ref: FragmentRef): string {
  return `${ref.id}@${ref.version}`;
}

/** Parses `id@version`; undefined when malformed. */
export function parseRef(text: string): FragmentRef | undefined {
  const m = /^([a-z0-9][a-z0-9-]{0,62})@([1-9][0-9]{0,5})$/.exec(text.trim());
  return m === null ? undefined : { id: m[1] as string, version: Number(m[2]) };
}
