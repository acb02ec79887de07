/**
 * The rebuild decision: the summary a deployment's image was built from against a fresh one.
 *
 * A reason is *acted on* when rebuilding can change something for it: the tier or the policy
 * moved, or a package the image ships at a vulnerable version newly became known-exploited (KEV)
 * or urgent (SSVC out-of-cycle/immediate) while a fixed version exists, or such a vulnerability
 * newly gained its fix. The same news without a fix is *reported* only: a rebuild would ship
 * the same vulnerable version, and users of scanners ask for less noise from unfixable CVEs.
 * Vulnerabilities of packages the image does not ship never count.
 */
import { URGENT_OUTCOMES, type DeploymentSummary, type SummaryVulnerability } from './summary.js';

export type RebuildReasonKind = 'initial' | 'kev' | 'ssvc' | 'tier' | 'policy' | 'fixed-version' | 'app-changed' | 'environment-changed';

export interface RebuildReason {
  readonly kind: RebuildReasonKind;
  readonly package?: string;
  readonly cve?: string;
  /** The image's version of the package, or the previous tier/policy digest/SSVC outcome. */
  readonly from?: string | null;
  /** The fixed version, or the new tier/policy digest/SSVC outcome. */
  readonly to?: string | null;
  readonly message: string;
}

export interface RebuildDecision {
  readonly rebuild: boolean;
  /** Why to rebuild (empty when `rebuild` is false). */
  readonly reasons: readonly RebuildReason[];
  /** News that does not call for a rebuild (no fixed version yet), to report. */
  readonly notices: readonly RebuildReason[];
}

/** dpkg's version order, given by the caller (src/catalog's `compareVersions`). */
export type CompareVersions = (a: string, b: string) => number;

const key = (v: { cve: string; package: string }) => `${v.cve}\u0000${v.package}`;
const urgent = (v: SummaryVulnerability | undefined) => v !== undefined && URGENT_OUTCOMES.includes(v.ssvc);

/**
 * `previous` undefined means the deployment has no image yet: build it (`initial`).
 * `compare` decides whether the image's version is below the fix.
 */
export function rebuildReasons(previous: DeploymentSummary | undefined, current: DeploymentSummary, compare: CompareVersions): RebuildDecision {
  if (previous === undefined) {
    return { rebuild: true, reasons: [{ kind: 'initial', to: current.tier, message: `no image yet: build one for tier ${current.tier}` }], notices: [] };
  }
  const reasons: RebuildReason[] = [];
  const notices: RebuildReason[] = [];
  if (previous.tier !== current.tier) reasons.push({ kind: 'tier', from: previous.tier, to: current.tier, message: `the risk tier changed from ${previous.tier} to ${current.tier}` });
  if (previous.policyDigest !== current.policyDigest) reasons.push({ kind: 'policy', from: previous.policyDigest, to: current.policyDigest, message: 'a policy constraint changed' });
  // A referenced document's new revision: the image was built from the old one. Compared only
  // when both summaries name one (a summary from before references were kept names none).
  for (const [kind, what] of [['app-changed', 'app'], ['environment-changed', 'environment']] as const) {
    const from = previous.documents?.[what];
    const to = current.documents?.[what];
    if (from !== undefined && to !== undefined && from !== to) reasons.push({ kind, from, to, message: `the ${what === 'app' ? 'app profile' : 'environment'} changed from ${from} to ${to}` });
  }

  // The image is what runs: its packages come from the previous summary (what was built).
  const shipped = new Map(previous.packages.map((p) => [p.name, p.version]));
  const before = new Map(previous.vulnerabilities.map((v) => [key(v), v]));
  for (const v of current.vulnerabilities) {
    const installed = shipped.get(v.package);
    if (installed === undefined) continue;
    const old = before.get(key(v));
    const newlyKev = v.kev && old?.kev !== true;
    const newlyUrgent = urgent(v) && !urgent(old) && !v.kev;
    const wasPressing = old !== undefined && (old.kev || urgent(old));
    const newlyFixed = wasPressing && old.fixedVersion === null && v.fixedVersion !== null && (v.kev || urgent(v));
    if (!newlyKev && !newlyUrgent && !newlyFixed) continue;
    const what = newlyKev ? 'is in CISA KEV' : newlyUrgent ? `has SSVC decision ${v.ssvc}` : 'now has a fixed version';
    const kind: RebuildReasonKind = newlyFixed && !newlyKev && !newlyUrgent ? 'fixed-version' : newlyKev ? 'kev' : 'ssvc';
    const base = { kind, package: v.package, cve: v.cve, from: installed, to: v.fixedVersion };
    if (v.fixedVersion === null) {
      notices.push({ ...base, message: `${v.cve} in ${v.package} ${installed} ${what}, but no fixed version exists yet: nothing to rebuild` });
    } else if (compare(installed, v.fixedVersion) >= 0) {
      continue;
    } else {
      reasons.push({ ...base, message: `${v.cve} in ${v.package} ${installed} ${what}; fixed in ${v.fixedVersion}` });
    }
  }
  return { rebuild: reasons.length > 0, reasons, notices };
}
