/**
 * The API's response shapes, as far as the UI reads them. Written here rather than imported from
 * src/server/schemas: the UI is built for the browser and must not pull the server's modules (or
 * TypeBox) into its bundle or its type check. /openapi.json is the reference.
 */

/** An RFC 9457 problem as the API writes it. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code?: string;
  errors?: unknown[];
}

export interface WhoAmI {
  tokenId: string;
  principal: string;
  role: string;
  team: string | null;
}

export const STATUSES = ['draft', 'in-review', 'approved', 'rejected', 'deprecated', 'archived'] as const;
export type FragmentStatus = (typeof STATUSES)[number];

export interface StatusChange {
  from: FragmentStatus;
  to: FragmentStatus;
  at: string;
  by: string;
  comment?: string;
}

export interface FragmentContent {
  id: string;
  title: string;
  description: string;
  resourceType: string;
  owner: string;
  tags: string[];
  risk: number;
  [field: string]: unknown;
}

export interface FragmentVersion {
  id: string;
  version: number;
  hash: string;
  status: FragmentStatus;
  content: FragmentContent;
  createdAt: string;
  createdBy: string;
  history: StatusChange[];
}

export interface SearchResult {
  items: FragmentVersion[];
  total: number;
  limit: number;
  offset: number;
  next: string | null;
}

export interface VersionSummary {
  version: number;
  status: FragmentStatus;
  createdAt: string;
  createdBy: string;
}

export interface FragmentOverview {
  id: string;
  latest: FragmentVersion;
  versions: VersionSummary[];
}

export interface Deployment {
  id: string;
  app: unknown;
  environment: unknown;
  imageDigest: string | null;
  planDigest: string | null;
  riskTier: string | null;
  updatedAt: string;
}

export interface LineageEntry {
  deploymentId: string;
  seq: number;
  fromDigest: string | null;
  toDigest: string;
  planDigest: string;
  reasons: unknown[];
  at: string;
}

export interface AuditRecord {
  seq: number;
  hash: string;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  detail: unknown;
}

export interface AuditVerification {
  ok: boolean;
  records: number;
  head: { seq: number; hash: string };
  problems: { code: string; seq: number; message: string; help: string }[];
}

export interface StatementRef {
  policyName: string;
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  location?: { line: number; column: number };
}

export interface Decision {
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  summary: string;
  decidingStatements: StatementRef[];
  implicitDeny?: { policyType: string; level?: number; reason: string };
  missingContextKeys: string[];
  crossAccount: boolean;
}
