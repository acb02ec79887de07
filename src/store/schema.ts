/**
 * The Kysely table types of the Tessera store (every table, in one place). Column names are
 * snake_case, as the migrations create them; the migrations themselves do not import these types
 * (a migration must keep meaning what it meant when it was written).
 */

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

export interface TesseraDatabase {
  fragments: FragmentsTable;
  fragment_versions: FragmentVersionsTable;
  fragment_tags: FragmentTagsTable;
  fragment_actions: FragmentActionsTable;
  fragment_status_history: FragmentStatusHistoryTable;
}
