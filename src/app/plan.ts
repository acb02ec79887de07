/**
 * Planning an image: a risk profile, the package catalog, the security-control catalog and the
 * organisation's policy in; a plan document out — every package with version, source, checksum
 * and why, every chosen control with what it buys and its configuration files, every rejected
 * control with why not. The plan's digest covers all of it, so the image builder and the
 * provenance statement can name exactly what was decided.
 */
import { createHash } from 'node:crypto';
import { compareVersions, type Candidate, type PackageFacts, type PackageUniverse } from '../catalog/index.js';
import { mitigationAt, profileAt, type ControlCatalog } from '../controls/index.js';
import { scoreCvss } from '../intel/index.js';
import { higherTier, packageVulnerabilities, TIER_ORDER, type AppProfile, type PackageFeeds, type RiskProfile, type Tier } from '../risk/index.js';
import { selectComponents, type ControlOption, type RejectedControl, type Selection, type SelectionDiagnostic, type SelectionNote, type SelectionPolicy } from '../solver/index.js';

export const PLAN_FORMAT = 'tessera-plan/1';

export interface ImagePlan {
  readonly format: typeof PLAN_FORMAT;
  readonly app: string;
  readonly env: string;
  readonly risk: { readonly score: number; readonly tier: Tier; readonly tierReason: string; readonly threats: RiskProfile['threats']; readonly intel: RiskProfile['intel'] };
  /** The signed indexes the packages come from. */
  readonly sources: readonly PlanSource[];
  readonly policy: SelectionPolicy;
  /** What the reader should know that did not stop the plan (e.g. packages without package facts). */
  readonly notes?: readonly SelectionNote[];
  readonly packages: Selection['packages'];
  readonly controls: Selection['controls'];
  readonly rejected: readonly RejectedControl[];
  /** Configuration files to place, from the chosen controls' profiles. */
  readonly files: readonly { readonly path: string; readonly source: string; readonly mode: string; readonly control: string }[];
  /** App packages whose deployed version differs from the planned one. */
  readonly upgrades: readonly { readonly name: string; readonly deployed: string; readonly planned: string; readonly fixes: readonly string[] }[];
  readonly totals: Selection['totals'];
  readonly objective: Selection['objective'];
  readonly solver: Selection['solver'];
  /** sha256 of the plan's canonical JSON without this field. */
  readonly digest: string;
}

export interface PlanSource {
  readonly label: string;
  readonly priority: number;
  readonly codename: string;
  readonly path: string;
  /** SHA-256 of the uncompressed index, as the signed release lists it. */
  readonly sha256: string;
  /** A security suite (its signed release's Label); its builds are preferred from policy.preferSecurityFromTier. */
  readonly security?: boolean;
}

export interface PlanInputs {
  readonly app: AppProfile;
  readonly profile: RiskProfile;
  readonly universe: PackageUniverse;
  readonly sources: readonly PlanSource[];
  readonly controls: ControlCatalog;
  /** Where the profile files live, for the plan's `source` paths (repository-relative). */
  readonly profilesDir: string;
  readonly policy: SelectionPolicy;
  /** The Debian tracker and OSV snapshots, to price the vulnerabilities of packages controls add. */
  readonly feeds?: PackageFeeds;
  /** The Debian release those feeds are read for. */
  readonly release?: string;
  /** Setuid/setgid files per .deb (data/package-facts); without them no package's are priced, and the plan says so. */
  readonly packageFacts?: PackageFacts;
}

/** The controls the tier offers, as options for the selection engine. */
export function controlOptions(catalog: ControlCatalog, tier: Tier, profilesDir: string): { options: ControlOption[]; notOffered: RejectedControl[] } {
  const options: ControlOption[] = [];
  const notOffered: RejectedControl[] = [];
  for (const c of catalog.controls) {
    const profile = profileAt(c, tier);
    if (profile === undefined) {
      notOffered.push({ id: c.id, category: c.category, reason: 'not-offered', detail: `the catalog offers it from ${TIER_ORDER.find((t) => c.tiers[t] !== undefined) ?? 'no'} tier, not at ${tier}` });
      continue;
    }
    const mandatory = c.requiredFrom !== null && higherTier(tier, c.requiredFrom) === tier ? `required from ${c.requiredFrom} tier` : undefined;
    options.push({
      id: c.id, category: c.category, title: c.name, packages: c.packages,
      mitigates: Object.fromEntries(mitigationAt(c, tier).map((m) => [m.threat, m.strength])),
      ram: c.resources.ram.class, cpu: c.resources.cpu.class, daemon: c.runtime.daemon, listens: c.runtime.listens === 'network',
      excludes: c.excludes, requires: c.requires, nist: c.nist, ...(mandatory !== undefined ? { mandatory } : {}),
      profile: { name: profile.name, files: profile.files.map((f) => ({ path: f.path, source: `${profilesDir}/${c.id}/${f.source}`, mode: f.mode })) },
    });
  }
  return { options, notOffered };
}

/**
 * Open vulnerabilities of a package version, CVSS/10 summed (0.5 when no vector is known): the
 * risk profile's for the app's own packages, and the tracker/OSV feeds' for what controls add.
 */
function openVulnerabilities(profile: RiskProfile, feeds: PackageFeeds | undefined, release: string): (c: Candidate) => number {
  const assessed = new Map<string, RiskProfile['vulnerabilities'][number][]>();
  for (const v of profile.vulnerabilities) assessed.set(v.package, [...(assessed.get(v.package) ?? []), v]);
  const memo = new Map<Candidate, number>();
  return (c) => {
    let total = memo.get(c);
    if (total !== undefined) return total;
    const known = assessed.get(c.package.name);
    if (known !== undefined) {
      total = known.filter((v) => v.fixedVersion === null || compareVersions(c.package.version, v.fixedVersion) < 0).reduce((n, v) => n + (v.cvss?.environmental ?? 5) / 10, 0);
    } else if (feeds !== undefined && (feeds.tracker !== undefined || feeds.osv !== undefined)) {
      const found = packageVulnerabilities([{ name: c.package.name, source: c.package.source, version: c.package.version }], feeds, release).vulnerabilities;
      total = found.reduce((n, v) => {
        const scored = v.cvss !== undefined ? scoreCvss(v.cvss) : undefined;
        return n + (scored?.ok === true ? scored.value.base / 10 : 0.5);
      }, 0);
    } else {
      total = 0;
    }
    memo.set(c, total);
    return total;
  };
}

export async function planImage(inputs: PlanInputs): Promise<{ ok: true; plan: ImagePlan } | { ok: false; diagnostics: readonly SelectionDiagnostic[] }> {
  const { profile } = inputs;
  const { options, notOffered } = controlOptions(inputs.controls, profile.tier, inputs.profilesDir);
  const result = await selectComponents(inputs.universe, {
    tier: profile.tier,
    threats: profile.threats,
    app: inputs.app.packages.map((p) => ({ name: p.name })),
    controls: options,
    policy: inputs.policy,
    essential: true,
    knownVulnerabilities: openVulnerabilities(profile, inputs.feeds, inputs.release ?? 'bookworm'),
    setuidFiles: (c) => inputs.packageFacts?.setuidFiles(c.package)?.map((f) => `${f.path} (${f.mode} ${f.owner})`),
  });
  if (!result.ok) return result;
  const s = result.selection;
  const planned = new Map(s.packages.map((p) => [p.name, p.version]));
  const upgrades = inputs.app.packages.flatMap((p) => {
    const version = planned.get(p.name);
    if (p.version === undefined || version === undefined || p.version === version) return [];
    const fixes = profile.vulnerabilities.filter((v) => v.package === p.name && v.fixedVersion !== null && compareVersions(version, v.fixedVersion) >= 0).map((v) => v.cve);
    return [{ name: p.name, deployed: p.version, planned: version, fixes }];
  });
  const body = {
    format: PLAN_FORMAT as typeof PLAN_FORMAT,
    app: profile.app,
    env: profile.env,
    risk: { score: profile.score, tier: profile.tier, tierReason: profile.tierReason, threats: profile.threats, intel: profile.intel },
    // Which sources are security suites comes from the catalog (their signed releases), not the caller.
    sources: inputs.sources.map((src) => (inputs.universe.securitySources.has(src.label) ? { ...src, security: true } : src)),
    policy: inputs.policy,
    ...(s.notes !== undefined ? { notes: s.notes } : {}),
    packages: s.packages,
    controls: s.controls,
    rejected: [...s.rejected, ...notOffered].sort((a, b) => (a.id < b.id ? -1 : 1)),
    files: s.controls.flatMap((c) => (c.profile?.files ?? []).map((f) => ({ ...f, control: c.id }))).sort((a, b) => (a.path < b.path ? -1 : 1)),
    upgrades,
    totals: s.totals,
    objective: s.objective,
  };
  // The solver's timing is not part of what was decided, so it stays out of the digest.
  return { ok: true, plan: { ...body, solver: s.solver, digest: planDigest(body) } };
}

/** JSON with object keys sorted at every level: the same plan gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function planDigest(body: object): string {
  const { digest: _digest, solver: _solver, ...rest } = body as { digest?: unknown; solver?: unknown };
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}
