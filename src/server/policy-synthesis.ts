/**
 * Synthesis on behalf of an API caller, shared by `POST /v1/policies` (which stores an approvable
 * result as a draft) and `POST /v1/policies/preview` (which only shows it): the boundary and the
 * fragment versions from the store, and, for a delegated admin, what it holds itself as the
 * "delegator's own permissions" of the proof (design.md, Blending; docs/decisions.md). Also the
 * access checks both routes make, the verdict stored with a version, the problem errors of a
 * refusal, and the proof made again at approval.
 */
import type { FastifyRequest } from 'fastify';
import { loadAwsCatalog, servicesOf } from '../aws-catalog/index.js';
import { formatRef, parseRef, synthesize, type FragmentRef, type FragmentVersion, type SynthesisRequest, type SynthesisResult } from '../fragments/index.js';
import { effectivePermissions, type AnalysisResult, type Analyzer, type Containment } from '../policy-analysis/index.js';
import { parsePolicy, type PolicyDocument, type PolicyInput } from '../policy/index.js';
import { BoundaryNotFoundError, type BoundaryVersion, type ControlPlaneStore, type PolicySynthesisInput, type PolicyVersion } from '../store/index.js';
import type { AccessCheck } from './access.js';
import type { Caller } from './authn.js';
import { effectiveSummary, statementsOf } from './policy-review.js';
import { delegatorPermissions } from './principal-policies.js';
import { ProblemError } from './problem.js';
import { trn } from './resources.js';

/** The body of `POST /v1/policies` and `.../preview` (schemas/policies.ts CreatePolicyBody). */
export interface SynthesisBody {
  id: string;
  team: string;
  fragments: { ref: string; params?: Record<string, string> }[];
  boundary: { id: string; version?: number };
  riskBudget?: number;
}

/** What the verdict says the proof was made within, besides the boundary. */
export type DelegatorRecord = { principal: string; policies: string[] | null } | null;

export interface CallerSynthesis {
  readonly boundary: BoundaryVersion;
  readonly request: PolicySynthesisInput;
  readonly result: SynthesisResult;
  /** Stored with the version (and shown by a preview). */
  readonly verdict: Record<string, unknown>;
}

/**
 * The team named, and the team that owns the policy already (if any), must both be the caller's,
 * and so must the boundary: `tessera:UseBoundary` with the boundary's team as its owner (a
 * boundary of no team has none, so only the central admin may). A missing boundary is the
 * handler's 404.
 */
export async function synthesisAccess(store: ControlPlaneStore, req: FastifyRequest): Promise<AccessCheck[]> {
  const body = req.body as SynthesisBody;
  const checks: AccessCheck[] = [{ action: 'tessera:CreatePolicy', resource: trn.policy(body.id), owner: body.team }];
  const current = (await store.policies.policyVersions(body.id))[0]?.team;
  if (current !== undefined && current !== body.team) checks.push({ action: 'tessera:CreatePolicy', resource: trn.policy(body.id), owner: current });
  const boundary = await store.policies.getBoundary(body.boundary.id, body.boundary.version);
  if (boundary !== undefined) checks.push({ action: 'tessera:UseBoundary', resource: trn.boundary(boundary.id), ...(boundary.team === null ? {} : { owner: boundary.team }) });
  return checks;
}

/** Runs the synthesis engine for the caller. Throws 404 for an unknown boundary, 400 for a malformed ref. */
export async function synthesizeFor(store: ControlPlaneStore, analyzer: Analyzer, caller: Caller, body: SynthesisBody): Promise<CallerSynthesis> {
  const boundary = await store.policies.getBoundary(body.boundary.id, body.boundary.version);
  if (boundary === undefined) throw new BoundaryNotFoundError(body.boundary.id, body.boundary.version);
  const refs = body.fragments.map((f) => parseRef(f.ref) ?? refBad(f.ref));
  const found = new Map<string, FragmentVersion>();
  for (const ref of refs) {
    const v = await store.fragments.get(ref);
    if (v !== undefined) found.set(formatRef(ref), v);
  }
  const uses: SynthesisRequest['fragments'][number][] = refs.map((ref, i) => ({ ref, params: body.fragments[i]?.params ?? {} }));
  // A delegated admin cannot grant more than it holds itself; the central admin is where
  // delegation starts, bounded by the boundary it chose.
  const held = caller.role === 'delegated-admin' ? await delegatorPermissions(store.policies, caller.principal) : undefined;
  const delegator = held === undefined || held.policies === null ? {} : { delegator: held.identity as PolicyInput[], delegatorBoundaries: held.boundaries as PolicyInput[] };
  const result = synthesize(
    { fragments: uses, boundary: boundary.document as PolicyInput, ...delegator, ...(body.riskBudget === undefined ? {} : { riskBudget: body.riskBudget }) },
    { analyzer, resolve: (ref: FragmentRef) => found.get(formatRef(ref)) },
  );
  const record: DelegatorRecord = held === undefined ? null : { principal: caller.principal, policies: held.policies };
  return {
    boundary,
    request: { fragments: uses.map((u) => ({ ref: formatRef(u.ref), params: { ...(u.params ?? {}) } })), boundary: { id: boundary.id, version: boundary.version }, riskBudget: body.riskBudget ?? null },
    result,
    verdict: {
      containment: result.containment?.verdict ?? null,
      // What "the delegator's own permissions" were in the proof: null for the central admin;
      // `policies: null` for a delegated admin Tessera manages no permissions of.
      delegator: record,
      findings: result.findings,
      riskScore: result.riskScore,
      riskCost: result.riskCost,
      record: result.record ?? null,
      warnings: result.diagnostics,
    },
  };
}

/** A refused synthesis's diagnostics as a problem's `errors`, the `not-contained` one carrying the counterexample. */
export function refusalErrors(result: SynthesisResult): unknown[] {
  const cx = result.containment?.verdict === 'not-contained' ? result.containment.counterexample : undefined;
  return result.diagnostics.map((d) => (cx !== undefined && d.code === 'synthesis/not-contained' ? { ...d, counterexample: cx } : d));
}

/**
 * Before approval: the proof against what the delegated admin held was made at synthesis. When
 * its active policies have changed since (other `id@version`s), the version is proven again
 * against what it holds now, and a version no longer within it is refused (409), not approved.
 */
export async function reproveWithinDelegator(store: ControlPlaneStore, analyzer: Analyzer, v: PolicyVersion): Promise<void> {
  const recorded = (v.verdict as { delegator?: DelegatorRecord } | null)?.delegator;
  if (recorded === undefined || recorded === null) return;
  const held = await delegatorPermissions(store.policies, recorded.principal);
  if (held.policies === null || JSON.stringify(held.policies) === JSON.stringify(recorded.policies)) return;
  const within = [held.identity, ...(held.boundaries.length > 0 ? [held.boundaries] : [])] as PolicyInput[][];
  const errors = proofErrors(analyzer.contains(v.documents as PolicyInput[], within));
  if (errors.length === 0) return;
  const name = `${v.id}@${v.version}`;
  const now = held.policies.length === 0 ? 'nothing' : held.policies.join(', ');
  const then = recorded.policies === null ? 'no assignment' : recorded.policies.join(', ') || 'nothing';
  throw new ProblemError(409, 'server/delegator-permissions-changed', `${recorded.principal} synthesized ${name} holding ${then}, and now holds ${now}, which does not contain it: synthesize it again, or reject it`, errors);
}

/** Why a containment proof failed, as a problem's `errors`; none when it holds. */
function proofErrors(proof: AnalysisResult<Containment>): unknown[] {
  if (!proof.ok) return [...proof.diagnostics];
  const r = proof.result;
  if (r.verdict === 'contained') return [];
  return r.verdict === 'not-contained' ? [{ code: 'synthesis/not-contained', counterexample: r.counterexample }] : [{ code: 'synthesis/unprovable', reasons: r.reasons }];
}

/**
 * Effective permissions of policy documents within their boundary, for a reviewer or a preview.
 * The catalog is loaded for the services the statements name; a wildcard service would mean
 * loading every service on a request path, so the summary then says why it is missing instead.
 */
export async function effectiveOf(documents: readonly unknown[], boundary: unknown): Promise<unknown> {
  const actions = statementsOf(documents).flatMap((s) => [s.Action ?? []].flat()).filter((a): a is string => typeof a === 'string');
  const services = servicesOf(actions);
  if (services === 'all') return { skipped: 'a statement names a wildcard service; see the documents' };
  const docs = documents.map((d) => parsePolicy(d as PolicyInput, { policyType: 'identity' }).document).filter((d): d is PolicyDocument => d !== undefined);
  const b = boundary === undefined ? undefined : parsePolicy(boundary as PolicyInput, { policyType: 'boundary' }).document;
  const catalog = await loadAwsCatalog(services);
  return effectiveSummary(effectivePermissions(b === undefined ? { identity: docs } : { identity: docs, boundary: b }, catalog));
}

function refBad(ref: string): never {
  throw new ProblemError(400, 'server/invalid-fragment-ref', `\`${ref}\` is not id@version (e.g. s3-read-prefix@1)`);
}
