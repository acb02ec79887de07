/**
 * The Kysely table types of the Tessera store (every table, in one place). Column names are
 * snake_case, as the migrations create them; the migrations themselves do not import these types
 * (a migration must keep meaning what it meant when it was written).
 */
import type { ColumnType } from 'kysely';

/** One row per fragment id. `latest_version` numbers the next version and serializes writers. */
export interface FragmentsTable {
  id: string;
  latest_version: number;
  created_at: string;
  created_by: string;
}

/** One row per version; `content` is the canonical JSON of the FragmentContent, `hash` its sha256. */
export interface FragmentVersionsTable {
  fragment_id: string;
  version: number;
  hash: string;
  status: string;
  content: string;
  resource_type: string;
  risk: number;
  owner: string;
  /** Lower-cased id, title and description (see searchText in fragments/version-index.ts). */
  search_text: string;
  created_at: string;
  created_by: string;
}

/** The version's tags, for tag queries. */
export interface FragmentTagsTable {
  fragment_id: string;
  version: number;
  tag: string;
}

/** The version's lower-cased Action patterns per Effect, with their service, for action queries. */
export interface FragmentActionsTable {
  fragment_id: string;
  version: number;
  effect: 'Allow' | 'Deny';
  service: string;
  pattern: string;
}

/** Status changes; `seq` counts from 1 per version. */
export interface FragmentStatusHistoryTable {
  fragment_id: string;
  version: number;
  seq: number;
  from_status: string;
  to_status: string;
  changed_at: string;
  changed_by: string;
  comment: string | null;
}

/** A `bigint` column: PostgreSQL's driver reads it as a string (it may exceed 2^53); SQLite as a number. */
type BigintColumn = ColumnType<number | string, number, number>;

/** API tokens; `secret_hash` is the scrypt hash, never the secret. */
export interface ApiTokensTable {
  id: string;
  principal: string;
  role: string;
  team: string | null;
  secret_hash: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/** The audit chain; `detail` is canonical JSON. */
export interface AuditLogTable {
  seq: BigintColumn;
  prev_hash: string;
  hash: string;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  detail: string;
}

/** One row (id 1): the appenders' lock, holding the last seq appended. */
export interface AuditHeadTable {
  id: number;
  seq: BigintColumn;
}

/** Registered deployments; `app` and `environment` are canonical JSON. */
export interface DeploymentsTable {
  id: string;
  app: string;
  environment: string;
  image_digest: string | null;
  plan_digest: string | null;
  risk_tier: string | null;
  updated_at: string;
  /** The adaptation loop's summary of what the running image was built from (canonical JSON), or null. */
  build_summary: ColumnType<string | null, string | null | undefined, string | null>;
  /** Which stored app/environment revisions the documents came from (canonical JSON, 007-events), or null. */
  documents: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Rebuilds per deployment, `seq` from 1; `reasons` is canonical JSON (an array). */
export interface ImageLineageTable {
  deployment_id: string;
  seq: number;
  from_digest: string | null;
  to_digest: string;
  plan_digest: string;
  reasons: string;
  at: string;
}

/** Permissions boundaries; `latest_version` numbers the next version and serializes writers. */
export interface BoundariesTable {
  id: string;
  latest_version: number;
  created_at: string;
  created_by: string;
}

/** One row per boundary version; `document` is canonical JSON. */
export interface BoundaryVersionsTable {
  boundary_id: string;
  version: number;
  document: string;
  created_at: string;
  created_by: string;
  /** The team whose delegated admins may synthesize under this version; null: the central admin only. */
  team: string | null;
}

/** Synthesized policies; `team` is fixed at creation, `latest_version` serializes writers. */
export interface PoliciesTable {
  id: string;
  team: string;
  latest_version: number;
  created_at: string;
  created_by: string;
}

/** One row per version; `request`, `documents` and `verdict` are canonical JSON. */
export interface PolicyVersionsTable {
  policy_id: string;
  version: number;
  status: string;
  request: string;
  documents: string;
  verdict: string;
  risk: number;
  boundary_id: string;
  boundary_version: number;
  created_at: string;
  created_by: string;
}

/** Status changes of policy versions; `seq` counts from 1 per version. */
export interface PolicyStatusHistoryTable {
  policy_id: string;
  version: number;
  seq: number;
  from_status: string;
  to_status: string;
  changed_at: string;
  changed_by: string;
  comment: string | null;
}

export interface AssignmentsTable {
  principal: string;
  updated_at: string;
  updated_by: string;
}

/** The principal's policies, `position` from 0 in the order given. */
export interface AssignmentPoliciesTable {
  principal: string;
  position: number;
  policy_id: string;
}

/** One row (id 1): the count of changes to principals' policy sets. */
export interface PolicyRevisionTable {
  id: number;
  revision: BigintColumn;
}

/** App profiles and environments (`kind`); `latest_revision` numbers the next revision and serializes writers. */
export interface NamedDocumentsTable {
  kind: string;
  name: string;
  latest_revision: number;
  updated_at: string;
  updated_by: string;
}

/** One row per revision; `document` is canonical JSON. */
export interface NamedDocumentRevisionsTable {
  kind: string;
  name: string;
  revision: number;
  document: string;
  created_at: string;
  created_by: string;
}

/** Assessments per deployment, `seq` from 1; `profile` is canonical JSON. */
export interface RiskProfilesTable {
  deployment_id: string;
  seq: number;
  at: string;
  tier: string;
  score: number;
  profile: string;
  inputs_digest: string;
}

/** Plans by digest; `plan` is canonical JSON. */
export interface PlansTable {
  digest: string;
  plan: string;
  created_at: string;
  deployment_id: string | null;
  risk_profile_seq: number | null;
}

/** Images by manifest digest; `layers` and `documents` are canonical JSON arrays. */
export interface ImagesTable {
  digest: string;
  plan_digest: string;
  layers: string;
  total_size: BigintColumn;
  documents: string;
  created_at: string;
}

/** The adaptation loop's events (007-events); `detail` is canonical JSON. */
export interface MonitorEventsTable {
  seq: BigintColumn;
  type: string;
  at: string;
  deployment_id: string;
  detail: string;
}

/** One row (id 1): the newest event's seq, and the appenders' lock. */
export interface MonitorEventHeadTable {
  id: number;
  seq: BigintColumn;
}

/** A feed's text once per SHA-256 (008-feed-snapshots). */
export interface FeedContentsTable {
  hash: string;
  content: string;
}

/** One row per (source, hash); `seq` is the feed head revision at which it last became current. */
export interface FeedSnapshotsTable {
  source: string;
  hash: string;
  seq: BigintColumn;
  imported_at: string;
  origin: string;
  version: string;
  records: BigintColumn;
  bytes: BigintColumn;
  etag: string | null;
  last_modified: string | null;
}

/** The current snapshot of each source. */
export interface FeedCurrentTable {
  source: string;
  hash: string;
}

/** One row (id 1): the savers' lock and the revision every save bumps. */
export interface FeedHeadTable {
  id: number;
  revision: BigintColumn;
}

export interface TesseraDatabase {
  fragments: FragmentsTable;
  fragment_versions: FragmentVersionsTable;
  fragment_tags: FragmentTagsTable;
  fragment_actions: FragmentActionsTable;
  fragment_status_history: FragmentStatusHistoryTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  deployments: DeploymentsTable;
  image_lineage: ImageLineageTable;
  boundaries: BoundariesTable;
  boundary_versions: BoundaryVersionsTable;
  policies: PoliciesTable;
  policy_versions: PolicyVersionsTable;
  policy_status_history: PolicyStatusHistoryTable;
  assignments: AssignmentsTable;
  assignment_policies: AssignmentPoliciesTable;
  policy_revision: PolicyRevisionTable;
  named_documents: NamedDocumentsTable;
  named_document_revisions: NamedDocumentRevisionsTable;
  risk_profiles: RiskProfilesTable;
  plans: PlansTable;
  images: ImagesTable;
  monitor_events: MonitorEventsTable;
  monitor_event_head: MonitorEventHeadTable;
  feed_contents: FeedContentsTable;
  feed_snapshots: FeedSnapshotsTable;
  feed_current: FeedCurrentTable;
  feed_head: FeedHeadTable;
}
