/**
 * The adaptation loop's use case (issue 8): re-assess every registered deployment against the
 * current intel, plan again, decide with monitor/rebuildReasons whether the image must be rebuilt,
 * and if so build it, record the lineage (old → new digest, reasons), append an audit record as
 * `system/monitor` and emit an event. One deployment's failure is an outcome, never an exception
 * that stops the others. With an artifact store, each evaluation also keeps what it worked from and
 * produced: the risk profile, the plan (linked to that profile) and the image built from it.
 *
 * Vulnerabilities are judged on the image that runs: the packages the last build shipped, at
 * their versions, with today's intel. The tier comes from the app's own assessment, as
 * `tessera risk assess` gives it.
 */
import { createHash } from 'node:crypto';
import { compareVersions } from '../catalog/index.js';
import { rebuildReasons, summarize, type DeploymentSummary, type RebuildReason, type SummaryPackage } from '../monitor/index.js';
import { assessRisk, checkApp, checkEnv, packageVulnerabilities, type AppProfile, type EnvProfile, type Intel, type PackageFeeds, type RiskProfile } from '../risk/index.js';
import { StaleImageError, type ArtifactStore, type AuditLogStore, type ControlPlaneTx, type DeploymentRecord, type DeploymentStore, type ImageDocumentRef, type ImageLayerRef, type RiskProfileRecord } from '../store/index.js';
import { followDocuments, summaryDocuments } from './adapt-documents.js';
import type { MonitorEventSink } from './adapt-events.js';
import { canonicalJson, type ImagePlan } from './plan.js';

export const MONITOR_ACTOR = 'system/monitor';
export const REBUILD_ACTION = 'tessera:RebuildImage';

/** Where the summary of each deployment's last build is kept between evaluations. */
export interface SummaryStore {
  get(deploymentId: string): Promise<DeploymentSummary | undefined>;
  put(deploymentId: string, summary: DeploymentSummary): Promise<void>;
}

export type PlanOutcome = { ok: true; plan: ImagePlan } | { ok: false; message: string };

/** What a build gives back: the manifest digest, and (from the real builder) its layers and attached documents. */
export interface BuiltImage {
  readonly digest: string;
  readonly layers?: readonly ImageLayerRef[];
  readonly documents?: readonly ImageDocumentRef[];
}

export interface AdaptDeps {
  readonly deployments: DeploymentStore;
  readonly audit: AuditLogStore;
  readonly summaries: SummaryStore;
  /** The current intel (KEV, EPSS, tracker, OSV), read once per evaluation. */
  readonly intel: () => Promise<Intel & PackageFeeds>;
  /** Plans an image for an assessed app (catalog, controls and policy are the caller's). */
  readonly plan: (app: AppProfile, profile: RiskProfile, feeds: PackageFeeds) => Promise<PlanOutcome>;
  /** Builds the plan's image with the real builder; returns its digest. */
  readonly build: (plan: ImagePlan, deploymentId: string) => Promise<BuiltImage>;
  /**
   * Where risk profiles, plans and images are kept (the control plane's `artifacts`). Without one
   * the loop keeps only lineage and build summaries, as before these were stored.
   */
  readonly artifacts?: ArtifactStore;
  /**
   * Runs the rebuild's records (lineage, build summary, audit record) in one transaction: the
   * control plane's `transaction`. Without it they are written one after another.
   */
  readonly transaction?: <T>(work: (tx: Pick<ControlPlaneTx, 'deployments' | 'audit'>) => Promise<T>) => Promise<T>;
  /** Where events go: storedEventSink (store, then bus) in the CLI and server; a bare bus in unit tests. */
  readonly events: MonitorEventSink;
  readonly now: () => Date;
  /** The Debian release the tracker and OSV are read for. */
  readonly release: string;
}

/** What a rebuild writes to. */
interface RebuildStores {
  readonly deployments: DeploymentStore;
  readonly audit: AuditLogStore;
  readonly putSummary: (id: string, summary: DeploymentSummary) => Promise<void>;
}

export type DeploymentOutcome =
  | { readonly id: string; readonly status: 'unchanged' | 'would-rebuild'; readonly tier: string; readonly reasons: readonly RebuildReason[]; readonly notices: readonly RebuildReason[]; readonly planDigest: string }
  | { readonly id: string; readonly status: 'rebuilt'; readonly tier: string; readonly reasons: readonly RebuildReason[]; readonly notices: readonly RebuildReason[]; readonly planDigest: string; readonly from: string | null; readonly to: string }
  | { readonly id: string; readonly status: 'invalid' | 'no-plan' | 'failed' | 'stale'; readonly message: string };

export interface EvaluateOptions {
  /** Decide and report only: no build, no record, no event. */
  readonly dryRun?: boolean;
  /** Only these deployments (default: every registered one). */
  readonly ids?: readonly string[];
  /** Told how many deployments will be evaluated, before the first. */
  readonly onStart?: (deployments: number) => void;
  /** Told each outcome as soon as it is known (builds take seconds each: progress for a caller). */
  readonly onOutcome?: (outcome: DeploymentOutcome) => void;
}

/** sha256 of a selection policy's canonical JSON: any changed constraint changes it. */
export function policyDigest(policy: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(policy ?? {})).digest('hex')}`;
}

function inputsOf(d: DeploymentRecord): { ok: true; app: AppProfile; env: EnvProfile } | { ok: false; message: string } {
  const app = checkApp(d.app);
  const env = checkEnv(d.environment);
  if (!app.ok) return { ok: false, message: `the app has errors: ${app.diagnostics.map((x) => `${x.path}: ${x.message}`).join('; ')}` };
  if (!env.ok) return { ok: false, message: `the environment has errors: ${env.diagnostics.map((x) => `${x.path}: ${x.message}`).join('; ')}` };
  return { ok: true, app: app.value, env: env.value };
}

/** A risk profile of the app, and one of the given packages (the image's) for their vulnerabilities. */
function assess(app: AppProfile, env: EnvProfile, intel: Intel & PackageFeeds, release: string, packages?: readonly SummaryPackage[]): RiskProfile {
  const shipped: AppProfile = packages === undefined ? app : { ...app, packages: packages.map((p) => ({ name: p.name, version: p.version, ...(p.source !== undefined ? { source: p.source } : {}) })) };
  const feeds = { ...(intel.tracker ? { tracker: intel.tracker } : {}), ...(intel.osv ? { osv: intel.osv } : {}) };
  const vulnerabilities = intel.tracker !== undefined || intel.osv !== undefined ? packageVulnerabilities(shipped.packages, feeds, release).vulnerabilities : [];
  return assessRisk({ app: shipped, env, vulnerabilities, intel: { ...(intel.kev ? { kev: intel.kev } : {}), ...(intel.epss ? { epss: intel.epss } : {}) } }).profile;
}

/**
 * The Debian source package of a planned .deb, which the tracker and OSV speak of. A plan names
 * the index a package came from, not its source; Debian's pool layout
 * (`pool/<component>/<prefix>/<source>/<file>.deb`) does.
 */
export function sourceFromFilename(filename: string): string | undefined {
  const parts = filename.split('/');
  return parts.length >= 5 && parts[0] === 'pool' ? parts[parts.length - 2] : undefined;
}

const packagesOf = (plan: ImagePlan): SummaryPackage[] => plan.packages.map((p) => {
  const source = sourceFromFilename(p.filename);
  return { name: p.name, version: p.version, ...(source !== undefined && source !== p.name ? { source } : {}) };
});

/** Re-evaluates the deployments one after another (builds are heavy; two at once would only compete). */
export async function evaluateDeployments(deps: AdaptDeps, options: EvaluateOptions = {}): Promise<DeploymentOutcome[]> {
  const intel = await deps.intel();
  const all = await deps.deployments.listDeployments();
  const chosen = options.ids === undefined ? all : all.filter((d) => options.ids?.includes(d.id));
  const outcomes: DeploymentOutcome[] = [];
  options.onStart?.(chosen.length);
  for (const d of chosen) {
    let outcome: DeploymentOutcome;
    try {
      outcome = await evaluateOne(deps, d, intel, options.dryRun === true);
    } catch (e) {
      const message = (e as Error).message;
      outcome = { id: d.id, status: 'failed', message };
      if (options.dryRun !== true) await deps.events.emit({ type: 'deployment.rebuild-failed', at: deps.now().toISOString(), deploymentId: d.id, detail: { message } });
    }
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return outcomes;
}

async function evaluateOne(deps: AdaptDeps, registered: DeploymentRecord, intel: Intel & PackageFeeds, dryRun: boolean): Promise<DeploymentOutcome> {
  // A deployment that follows a stored document takes its newest revision first (kept unless dry).
  const d = deps.artifacts === undefined ? registered : await followDocuments(deps.artifacts, registered, deps.now().toISOString());
  if (d !== registered && !dryRun) await deps.deployments.putDeployment(d);
  const inputs = inputsOf(d);
  if (!inputs.ok) return { id: d.id, status: 'invalid', message: inputs.message };
  const { app, env } = inputs;
  const profile = assess(app, env, intel, deps.release);
  // A dry run decides and reports only: it keeps nothing, assessments included.
  const artifacts = dryRun ? undefined : deps.artifacts;
  const assessed = await artifacts?.recordRiskProfile(riskRecord(d.id, deps.now().toISOString(), app, env, profile));
  const feeds = { ...(intel.tracker ? { tracker: intel.tracker } : {}), ...(intel.osv ? { osv: intel.osv } : {}) };
  const planned = await deps.plan(app, profile, feeds);
  if (!planned.ok) return { id: d.id, status: 'no-plan', message: planned.message };
  const plan = planned.plan;
  await artifacts?.putPlan({ digest: plan.digest, plan: jsonValue(plan), createdAt: deps.now().toISOString(), deploymentId: d.id, riskProfileSeq: assessed?.seq ?? null });
  const policy = policyDigest(plan.policy);

  let previous = await deps.summaries.get(d.id);
  if (previous === undefined && d.imageDigest !== null) {
    // An image built before the monitor kept summaries (or whose summary was lost): take the
    // recorded tier and today's plan as what runs, so only new pressing vulnerabilities count.
    previous = summarize({ tier: d.riskTier ?? profile.tier, policyDigest: policy, planDigest: d.planDigest ?? '', packages: packagesOf(plan), vulnerabilities: [] });
  }
  // Today's intel about the packages the running image ships.
  const running = previous?.packages ?? packagesOf(plan);
  const current = summarize({ tier: profile.tier, policyDigest: policy, planDigest: plan.digest, packages: packagesOf(plan), vulnerabilities: assess(app, env, intel, deps.release, running).vulnerabilities, documents: summaryDocuments(d) });
  const decision = rebuildReasons(previous, current, compareVersions);
  const base = { id: d.id, tier: profile.tier, reasons: decision.reasons, notices: decision.notices, planDigest: plan.digest };
  if (!decision.rebuild) return { ...base, status: 'unchanged' };
  if (dryRun) return { ...base, status: 'would-rebuild' };
  if (d.imageDigest !== null && d.planDigest === plan.digest) {
    // Same plan, same image: rebuilding would record a change that is none. Take the new baseline.
    await deps.summaries.put(d.id, shippedSummary(app, env, intel, deps.release, current));
    return { ...base, status: 'unchanged' };
  }

  const built = await deps.build(plan, d.id);
  const at = deps.now().toISOString();
  // Kept before the lineage: if another node moved the deployment first, the image was still built.
  await artifacts?.putImage(imageRecord(built, plan.digest, at));
  const detail = { from: d.imageDigest, to: built.digest, planDigest: plan.digest, tier: profile.tier, reasons: decision.reasons.map(wireReason), notices: decision.notices.map(wireReason) };
  // The lineage, the new baseline and the audit record commit together (one unit of work when the
  // store offers it), so a crash never leaves a rebuild recorded without its audit record.
  const record = async (stores: RebuildStores) => {
    await stores.deployments.recordImage({ deploymentId: d.id, fromDigest: d.imageDigest, toDigest: built.digest, planDigest: plan.digest, reasons: decision.reasons.map(wireReason), at, riskTier: profile.tier });
    await stores.putSummary(d.id, shippedSummary(app, env, intel, deps.release, current));
    await stores.audit.append({ at, actor: MONITOR_ACTOR, action: REBUILD_ACTION, resource: `trn:tessera:deployment/${d.id}`, outcome: 'changed', detail });
  };
  try {
    // In the transaction the summary is the deployment row's (what StoreSummaryStore keeps).
    if (deps.transaction !== undefined) await deps.transaction((tx) => record({ deployments: tx.deployments, audit: tx.audit, putSummary: (id, summary) => tx.deployments.putBuildSummary(id, summary) }));
    else await record({ deployments: deps.deployments, audit: deps.audit, putSummary: (id, summary) => deps.summaries.put(id, summary) });
  } catch (e) {
    if (e instanceof StaleImageError) return { id: d.id, status: 'stale', message: `another node rebuilt ${d.id} first: ${e.message}` };
    throw e;
  }
  // Announced once committed.
  await deps.events.emit({ type: 'deployment.rebuilt', at, deploymentId: d.id, detail });
  return { ...base, status: 'rebuilt', from: d.imageDigest, to: built.digest };
}

/** The summary of what was just built: its packages with today's intel about them. */
function shippedSummary(app: AppProfile, env: EnvProfile, intel: Intel & PackageFeeds, release: string, current: DeploymentSummary): DeploymentSummary {
  return { ...current, vulnerabilities: summarize({ ...current, vulnerabilities: assess(app, env, intel, release, current.packages).vulnerabilities }).vulnerabilities };
}

/** A reason as stored in the lineage and the audit log: JSON without undefined fields. */
function wireReason(r: RebuildReason): Record<string, unknown> {
  return JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
}

/** A JSON value of the engine's result (no undefined fields), as the store keeps it. */
function jsonValue(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * The assessment as a stored risk profile. Its inputs digest covers the app, the environment and
 * the intel snapshots the profile names, so equal inputs give equal digests across nodes.
 */
function riskRecord(deploymentId: string, at: string, app: AppProfile, env: EnvProfile, profile: RiskProfile): Omit<RiskProfileRecord, 'seq'> {
  const inputs = canonicalJson(jsonValue({ app, env, intel: profile.intel }));
  return { deploymentId, at, tier: profile.tier, score: profile.score, profile: jsonValue(profile), inputsDigest: `sha256:${createHash('sha256').update(inputs).digest('hex')}` };
}

function imageRecord(built: BuiltImage, planDigest: string, at: string) {
  const layers = (built.layers ?? []).map((l) => ({ digest: l.digest, size: l.size }));
  const documents = (built.documents ?? []).map((x) => ({ kind: x.kind, mediaType: x.mediaType, digest: x.digest, referrer: x.referrer }));
  return { digest: built.digest, planDigest, layers, totalSize: layers.reduce((sum, l) => sum + l.size, 0), documents, createdAt: at };
}
