/**
 * The persistence port of what the adaptation loop works from and produces (issue 8): app profiles
 * and environments (named documents with revisions), risk profiles (an assessment of a deployment
 * at a time), plans (by plan digest) and images (by manifest digest).
 *
 * The store judges no document: the risk engine validates app profiles and environments, the
 * planner writes plans and the builder images; callers pass what those gave. Documents are kept as
 * canonical JSON, so a value reads back equal to what was put.
 *
 * Plans and images are content-addressed, so putting one is idempotent: the first put creates the
 * row and later puts of the same digest return it (whoever produced it first stays its producer).
 * What a plan digest covers is the planner's to say (its solver timings, for one, are left out), so
 * a later plan under a stored digest is taken as the same plan and the first one is kept. An
 * image's fields are all the store keeps of it, so an image put under a stored digest with other
 * plan, layers, size or documents is refused (ArtifactMismatchError): one digest, one image.
 *
 * Stores never read the clock: every time is an ISO string given by the caller.
 */

/** The two kinds of named document. */
export type NamedDocumentKind = 'app' | 'environment';
export const NAMED_DOCUMENT_KINDS: readonly NamedDocumentKind[] = ['app', 'environment'];

/** One revision of an app profile or environment; a revision never changes. */
export interface NamedDocumentRevision {
  kind: NamedDocumentKind;
  name: string;
  /** From 1; each put makes the next. */
  revision: number;
  /** The document as given (a JSON value). */
  document: unknown;
  createdAt: string;
  createdBy: string;
}

/** One line of a list of named documents: the latest revision's number and time. */
export interface NamedDocumentSummary {
  kind: NamedDocumentKind;
  name: string;
  latestRevision: number;
  updatedAt: string;
  updatedBy: string;
}

export interface DocumentActor {
  by: string;
  at: string;
}

/** An assessment of a deployment at a time, numbered per deployment. */
export interface RiskProfileRecord {
  deploymentId: string;
  /** From 1 per deployment. */
  seq: number;
  at: string;
  tier: string;
  score: number;
  /** The risk engine's profile (a JSON value). */
  profile: unknown;
  /** Digest of what was assessed (app, environment, intel snapshots): equal inputs, equal digest. */
  inputsDigest: string;
}

export type NewRiskProfile = Omit<RiskProfileRecord, 'seq'>;

/** A plan, by its digest, and which assessment of which deployment produced it (when one did). */
export interface PlanRecord {
  /** `sha256:...`, the plan's own digest. */
  digest: string;
  /** The plan (a JSON value). */
  plan: unknown;
  createdAt: string;
  deploymentId: string | null;
  /** The seq of the deployment's risk profile the plan was made for; only with a deploymentId. */
  riskProfileSeq: number | null;
}

export interface ImageLayerRef {
  /** The compressed blob's digest, as the manifest names it. */
  digest: string;
  /** Compressed size in bytes. */
  size: number;
}

/** A document attached to an image: an SBOM or provenance, by its blob and referrer digests. */
export interface ImageDocumentRef {
  /** e.g. `cyclonedx`, `spdx`, `provenance`. */
  kind: string;
  mediaType: string;
  digest: string;
  /** The referrer manifest's digest. */
  referrer: string;
}

/** A built image, by its manifest digest. */
export interface ImageRecord {
  digest: string;
  planDigest: string;
  layers: ImageLayerRef[];
  /** Sum of the layers' sizes. */
  totalSize: number;
  documents: ImageDocumentRef[];
  createdAt: string;
}

export interface ArtifactStore {
  /**
   * Adds the next revision of the named document (revision 1 creates it). With `expectedRevision`
   * the check and the write are one transaction: StaleRevisionError unless the latest revision is
   * that number (null: unless there is none yet), for HTTP's If-Match.
   */
  putDocument(kind: NamedDocumentKind, name: string, document: unknown, actor: DocumentActor, expectedRevision?: number | null): Promise<NamedDocumentRevision>;
  /** The given revision, or the latest without one; undefined when there is none. */
  getDocument(kind: NamedDocumentKind, name: string, revision?: number): Promise<NamedDocumentRevision | undefined>;
  /** Every document of the kind, by name. */
  listDocuments(kind: NamedDocumentKind): Promise<NamedDocumentSummary[]>;

  /**
   * Records an assessment of a registered deployment (DeploymentNotFoundError otherwise). When the
   * latest recorded one has the same inputs digest and the same profile, that one is returned and
   * nothing is written: a schedule that finds nothing new does not grow the table.
   */
  recordRiskProfile(entry: NewRiskProfile): Promise<RiskProfileRecord>;
  getRiskProfile(deploymentId: string, seq: number): Promise<RiskProfileRecord | undefined>;
  /** The deployment's profiles with seq > afterSeq, oldest first, at most `limit`. */
  riskProfiles(deploymentId: string, afterSeq: number, limit: number): Promise<RiskProfileRecord[]>;

  /**
   * Idempotent (see the file comment): the stored plan when the digest is stored. Otherwise
   * DeploymentNotFoundError for an unknown deployment, RiskProfileNotFoundError for an unknown profile.
   */
  putPlan(record: PlanRecord): Promise<PlanRecord>;
  getPlan(digest: string): Promise<PlanRecord | undefined>;

  /** Idempotent. PlanNotFoundError when the plan is not stored; ArtifactMismatchError for another image under a stored digest. */
  putImage(record: ImageRecord): Promise<ImageRecord>;
  getImage(digest: string): Promise<ImageRecord | undefined>;
}
