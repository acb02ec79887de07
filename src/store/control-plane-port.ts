/**
 * The control plane's persistence ports (issue 8): API tokens, the hash-chained audit log,
 * registered deployments with their image lineage, synthesized policies (policy-port.ts) and the
 * adaptation loop's artifacts (artifact-port.ts). The
 * server and the monitor code against these interfaces; `openSqliteControlPlane` and
 * `openPostgresControlPlane` implement them over Kysely, and one contract suite runs against both.
 *
 * Stores never read the clock: every time is an ISO string given by the caller.
 * Failures of the database surface as ControlPlaneStoreFailureError with the driver's error as cause.
 */
import type { AuditEventInput, AuditRecord } from '../audit/index.js';
import type { FragmentStore } from '../fragments/index.js';
import type { ArtifactStore } from './artifact-port.js';
import type { FeedSnapshotStore } from './feed-port.js';
import type { PolicyStore } from './policy-port.js';

/** Tessera's own roles; their rights are Tessera IAM policies (src/server/roles). */
export type Role = 'central-admin' | 'delegated-admin' | 'approver' | 'auditor' | 'service';

/** An API token as stored: the secret itself is never kept, only its scrypt hash. */
export interface ApiTokenRecord {
  /** Public id, the part of the token before the secret (e.g. `tk_3f9a...`). */
  id: string;
  /** Who the token acts as, e.g. `user/alice` or `service/payments-api`. */
  principal: string;
  role: Role;
  /** The team a delegated admin is scoped to; null for the other roles. */
  team: string | null;
  /** `scrypt$N$r$p$salt-base64$hash-base64`. */
  secretHash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface TokenStore {
  /** TokenExistsError when the id is taken. */
  addToken(record: ApiTokenRecord): Promise<void>;
  getToken(id: string): Promise<ApiTokenRecord | undefined>;
  /** Ordered by createdAt, then id. */
  listTokens(): Promise<ApiTokenRecord[]>;
  /** False when the id is unknown or already revoked. */
  revokeToken(id: string, at: string): Promise<boolean>;
}

// The audit event and chained record are defined by the pure audit module, which chains and verifies them.
export type { AuditEventInput, AuditRecord } from '../audit/index.js';

export interface AuditLogStore {
  /**
   * Appends atomically: the head is read and the record written in one transaction that holds the
   * log's write lock (SQLite's writer lock; a PostgreSQL row or advisory lock), so concurrent
   * appenders from any number of processes or nodes form one chain.
   */
  append(event: AuditEventInput): Promise<AuditRecord>;
  /**
   * Appends several records, chained in the given order, in one transaction: all or none
   * (InvalidStoreArgumentError for a bad outcome or more than MAX_APPEND_BATCH records).
   */
  appendMany(events: readonly AuditEventInput[]): Promise<AuditRecord[]>;
  /** Records with seq > afterSeq, oldest first, at most `limit`. */
  read(afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** The last record, or undefined for an empty log. */
  head(): Promise<AuditRecord | undefined>;
}

/** A running application registered for the adaptation loop. */
export interface DeploymentRecord {
  id: string;
  /** The app profile and environment documents (the risk engine's inputs), as JSON values. */
  app: unknown;
  environment: unknown;
  /** Digest of the image currently deployed (`sha256:...`), null before the first build. */
  imageDigest: string | null;
  /** Digest of the plan that image was built from. */
  planDigest: string | null;
  riskTier: string | null;
  updatedAt: string;
  /**
   * Which stored documents (store.artifacts) `app` and `environment` were taken from, when the
   * deployment was registered by reference; absent for inline documents.
   */
  documents?: DeploymentDocuments;
}

/** A named document revision a deployment uses. */
export interface DocumentReference {
  name: string;
  revision: number;
  /** Registered without a revision: the loop moves the deployment to each new revision. */
  follow: boolean;
}

export interface DeploymentDocuments {
  app?: DocumentReference;
  environment?: DocumentReference;
}

/** One rebuild: which image replaced which, and why. */
export interface ImageLineageRecord {
  deploymentId: string;
  seq: number;
  fromDigest: string | null;
  toDigest: string;
  planDigest: string;
  /** Machine-readable reasons, e.g. `{kind: 'kev', cve: 'CVE-2024-1234', package: 'openssl'}`. */
  reasons: unknown[];
  at: string;
}

export interface DeploymentStore {
  /** Creates or replaces the deployment's app/environment (keeps its image and lineage). */
  putDeployment(record: DeploymentRecord): Promise<void>;
  getDeployment(id: string): Promise<DeploymentRecord | undefined>;
  listDeployments(): Promise<DeploymentRecord[]>;
  /**
   * Records a rebuild and moves the deployment to `toDigest` in one transaction.
   * StaleImageError when the deployment's current digest is not `fromDigest` (another node rebuilt first).
   */
  recordImage(entry: Omit<ImageLineageRecord, 'seq'> & { riskTier: string }): Promise<ImageLineageRecord>;
  lineage(deploymentId: string): Promise<ImageLineageRecord[]>;
  /**
   * The adaptation loop's summary of what the deployment's image was built from (any JSON value),
   * kept in the store so that whichever node leads sees it. undefined when none was kept.
   */
  getBuildSummary(deploymentId: string): Promise<unknown>;
  /** DeploymentNotFoundError for an unknown deployment. */
  putBuildSummary(deploymentId: string, summary: unknown): Promise<void>;
}

/** An adaptation-loop event as the store keeps it (the shape of monitor's MonitorEvent). */
export interface StoredEventInput {
  /** e.g. `deployment.rebuilt`. */
  type: string;
  at: string;
  deploymentId: string;
  /** Any JSON value. */
  detail: unknown;
}

export interface StoredEvent extends StoredEventInput {
  /** 1, 2, 3, ... in commit order across every node appending to the database. */
  seq: number;
}

/** The adaptation loop's events, shared by every node (GET /v1/events reads here). */
export interface EventStore {
  /** Appends under the head row's lock, so seq order is commit order. */
  append(event: StoredEventInput): Promise<StoredEvent>;
  /** Events with seq > afterSeq, oldest first, at most `limit` (InvalidStoreArgumentError for negatives). */
  list(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The newest seq, 0 before any event; pruning never lowers it (seqs are never reused). */
  head(): Promise<number>;
  /**
   * Removes the oldest events, in one statement, and says how many: those beyond the latest
   * `keepLatest`, and those before the first event `at` or after `olderThan` (ISO 8601); given
   * both, an event goes when either says so. Only a prefix of the list goes (oldest first, by seq),
   * so what remains has no holes: a reader whose `after` is below the oldest kept seq missed events
   * (GET /v1/events says so). InvalidStoreArgumentError for neither option, a negative or fractional
   * `keepLatest`, or an `olderThan` that is not a date.
   */
  prune(options: EventPruneOptions): Promise<number>;
}

export interface EventPruneOptions {
  /** Keep at most this many of the newest events. */
  keepLatest?: number;
  /** Remove events older than this instant (ISO 8601); compared with `at` as UTC ISO text. */
  olderThan?: string;
}

/**
 * The stores bound to one database transaction (ControlPlaneStore.transaction): what is done
 * through them commits together or not at all. Append the audit record last, after the change:
 * its head-row lock is then held only until the commit, and every unit of work takes its locks in
 * the same order (the change's rows, then the audit head), so two of them cannot deadlock.
 */
export type ControlPlaneTx = Omit<ControlPlaneStore, 'close' | 'transaction'>;

/** Everything the control plane keeps, behind one handle that closes them together. */
export interface ControlPlaneStore {
  /**
   * Runs `work` as one unit of work: its changes and audit records commit together when it
   * resolves, and none of them when it throws (the error is rethrown as it was). Inside `work` use
   * only `tx`: the outer stores are not part of the transaction (on SQLite they would wait for it).
   */
  transaction<T>(work: (tx: ControlPlaneTx) => Promise<T>): Promise<T>;
  fragments: FragmentStore;
  tokens: TokenStore;
  audit: AuditLogStore;
  deployments: DeploymentStore;
  /** Boundaries, synthesized policies and their assignments (policy-port.ts). */
  policies: PolicyStore;
  /** App profiles, environments, risk profiles, plans and images (artifact-port.ts). */
  artifacts: ArtifactStore;
  /** The adaptation loop's events. */
  events: EventStore;
  /** Threat-feed snapshots (feed-port.ts), shared by every node on the database. */
  feeds: FeedSnapshotStore;
  /** Idempotent. */
  close(): Promise<void>;
}
