/** Public surface of the store module: the persistence adapters behind the ports of the engines. */
export { openSqliteDatabase, openSqliteFragmentStore } from './sqlite-fragment-store.js';
export { KyselyFragmentStore } from './kysely-fragment-store.js';
export { bulkCreateFragments } from './bulk-load.js';
export { StoreMigrationError, createMigrator, migrateToLatest } from './migrator.js';
export type { MigratorOptions } from './migrator.js';
export { migratePostgres, openPostgresDatabase, openPostgresFragmentStore } from './postgres.js';
export type { PostgresStoreOptions } from './postgres.js';
export { KyselyControlPlane, openPostgresControlPlane, openSqliteControlPlane } from './control-plane.js';
export type { ControlPlaneOptions } from './control-plane.js';
export {
  ArtifactMismatchError,
  BoundaryNotFoundError,
  ControlPlaneClosedError,
  ControlPlaneStoreError,
  ControlPlaneStoreFailureError,
  UnitOfWorkMisuseError,
  CorruptControlPlaneStoreError,
  DeploymentNotFoundError,
  InvalidPolicyTransitionError,
  InvalidStoreArgumentError,
  PlanNotFoundError,
  PolicyNotFoundError,
  PolicyTeamMismatchError,
  RiskProfileNotFoundError,
  StaleImageError,
  StalePolicyStatusError,
  StaleRevisionError,
  TokenExistsError,
} from './control-plane-errors.js';
export type { ControlPlaneStoreErrorCode } from './control-plane-errors.js';
export { MIGRATIONS } from './migrations/index.js';
export type { TesseraDatabase } from './schema.js';
export { FileFeedStore, sha256 } from './feed-snapshots.js';
export { FEED_SOURCES, FeedStoreError } from './feed-port.js';
export type { FeedSnapshot, FeedSnapshotMeta, FeedSnapshotStore, FeedSource } from './feed-port.js';
export type {
  ApiTokenRecord,
  AuditEventInput,
  AuditLogStore,
  AuditRecord,
  ControlPlaneStore,
  ControlPlaneTx,
  DeploymentDocuments,
  DeploymentRecord,
  DeploymentStore,
  DocumentReference,
  EventPruneOptions,
  EventStore,
  ImageLineageRecord,
  Role,
  StoredEvent,
  StoredEventInput,
  TokenStore,
} from './control-plane-port.js';
export { POLICY_ACTIONS, POLICY_STATUSES, POLICY_TRANSITIONS } from './policy-port.js';
export type {
  BoundarySummary,
  BoundaryVersion,
  NewPolicyVersion,
  PolicyAction,
  PolicyActor,
  PolicyAssignment,
  PolicyStatus,
  PolicyStatusChange,
  PolicyStore,
  PolicySummary,
  PolicySynthesisInput,
  PolicyVersion,
} from './policy-port.js';
export { NAMED_DOCUMENT_KINDS } from './artifact-port.js';
export type {
  ArtifactStore,
  DocumentActor,
  ImageDocumentRef,
  ImageLayerRef,
  ImageRecord,
  NamedDocumentKind,
  NamedDocumentRevision,
  NamedDocumentSummary,
  NewRiskProfile,
  PlanRecord,
  RiskProfileRecord,
} from './artifact-port.js';
