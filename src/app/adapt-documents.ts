/**
 * Deployments that reference stored documents (store.artifacts) instead of carrying them inline.
 * A reference is `{ref: {name, revision?}}` — an object whose only key is `ref` — rather than a
 * bare `{name, revision?}`: the API has always stored inline documents as given, and `{name}`
 * alone is a valid (if thin) inline document, so a bare form would change what existing requests mean.
 * Without a revision the deployment follows the latest one: the loop moves it to each new
 * revision and re-assesses (reasons `app-changed` / `environment-changed`).
 */
import type { ArtifactStore, DeploymentDocuments, DeploymentRecord, DocumentReference, NamedDocumentKind } from '../store/index.js';

export interface DocumentRequest {
  readonly name: string;
  readonly revision?: number;
}

export function asDocumentReference(value: unknown): DocumentRequest | undefined {
  const wrapper = plainObject(value);
  if (wrapper === undefined || Object.keys(wrapper).length !== 1) return undefined;
  const v = plainObject(wrapper.ref);
  if (v === undefined) return undefined;
  const keys = Object.keys(v);
  if (typeof v.name !== 'string' || !keys.every((k) => k === 'name' || k === 'revision')) return undefined;
  if (v.revision !== undefined && !(Number.isSafeInteger(v.revision) && (v.revision as number) >= 1)) return undefined;
  return v.revision === undefined ? { name: v.name } : { name: v.name, revision: v.revision as number };
}

export type ResolvedDocuments =
  | { readonly ok: true; readonly app: unknown; readonly environment: unknown; readonly documents?: DeploymentDocuments }
  | { readonly ok: false; readonly message: string };

function plainObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The documents a registration names: inline ones as given, references read from the store. */
export async function resolveDeploymentDocuments(artifacts: ArtifactStore, app: unknown, environment: unknown): Promise<ResolvedDocuments> {
  const documents: { app?: DocumentReference; environment?: DocumentReference } = {};
  const resolved: Record<NamedDocumentKind, unknown> = { app, environment };
  const missing: string[] = [];
  for (const kind of ['app', 'environment'] as const) {
    const ref = asDocumentReference(resolved[kind]);
    if (ref === undefined) continue;
    const stored = await artifacts.getDocument(kind, ref.name, ref.revision);
    if (stored === undefined) {
      missing.push(`no stored ${kind} \`${ref.name}\`${ref.revision !== undefined ? ` at revision ${ref.revision}` : ''}`);
      continue;
    }
    resolved[kind] = stored.document;
    documents[kind] = { name: ref.name, revision: stored.revision, follow: ref.revision === undefined };
  }
  if (missing.length > 0) return { ok: false, message: missing.join('; ') };
  return { ok: true, app: resolved.app, environment: resolved.environment, ...(documents.app !== undefined || documents.environment !== undefined ? { documents } : {}) };
}

/**
 * The deployment moved to the latest revision of each document it follows; the record itself when
 * nothing moved. Keeping the moved record is the caller's (a dry run keeps nothing).
 */
export async function followDocuments(artifacts: ArtifactStore, d: DeploymentRecord, at: string): Promise<DeploymentRecord> {
  if (d.documents === undefined) return d;
  let next = d;
  for (const kind of ['app', 'environment'] as const) {
    const ref = d.documents[kind];
    if (ref === undefined || !ref.follow) continue;
    const latest = await artifacts.getDocument(kind, ref.name);
    if (latest === undefined || latest.revision <= ref.revision) continue;
    next = { ...next, [kind]: latest.document, updatedAt: at, documents: { ...next.documents, [kind]: { ...ref, revision: latest.revision } } };
  }
  return next;
}

/** What a summary keeps of the references: `name@revision` per document. */
export function summaryDocuments(d: DeploymentRecord): { app?: string; environment?: string } {
  const out: { app?: string; environment?: string } = {};
  if (d.documents?.app !== undefined) out.app = `${d.documents.app.name}@${d.documents.app.revision}`;
  if (d.documents?.environment !== undefined) out.environment = `${d.documents.environment.name}@${d.documents.environment.revision}`;
  return out;
}
