/**
 * What the adaptation loop remembers of a deployment between evaluations: the decisions its
 * current image was built from (tier, policy, plan) and the vulnerabilities that were known of
 * the image's packages then. Comparing two summaries is the whole rebuild decision
 * (reasons.ts), so the summary keeps only what that decision reads.
 */

/** The SSVC deployer outcomes that ask for a patch before the next scheduled window. */
export const URGENT_OUTCOMES: readonly string[] = ['out-of-cycle', 'immediate'];

export interface SummaryVulnerability {
  readonly cve: string;
  readonly package: string;
  /** The first version that fixes it in the release; null while Debian has no fix. */
  readonly fixedVersion: string | null;
  readonly kev: boolean;
  /** The SSVC deployer decision (`defer`, `scheduled`, `out-of-cycle`, `immediate`). */
  readonly ssvc: string;
}

export interface DeploymentSummary {
  readonly tier: string;
  /** sha256 of the plan's selection policy; a changed constraint changes it. */
  readonly policyDigest: string;
  readonly planDigest: string;
  /** The image's packages at the versions it ships. */
  readonly packages: readonly SummaryPackage[];
  readonly vulnerabilities: readonly SummaryVulnerability[];
  /** The stored documents the deployment was assessed from (`name@revision`), when it references them. */
  readonly documents?: SummaryDocuments;
}

export interface SummaryDocuments {
  readonly app?: string;
  readonly environment?: string;
}

export interface SummaryPackage {
  readonly name: string;
  readonly version: string;
  /** The source package, which the tracker and OSV speak of. */
  readonly source?: string;
}

/** The parts of a risk profile's vulnerability a summary keeps (structural, so any profile fits). */
export interface AssessedVulnerability {
  readonly cve: string;
  readonly package: string;
  readonly fixedVersion: string | null;
  readonly kev: unknown;
  readonly ssvc: { readonly deployer: { readonly outcome: string } };
}

/**
 * A summary from an assessment and the plan built from it. `kev` is any non-null KEV entry;
 * vulnerabilities are sorted so that equal states give equal summaries.
 */
export function summarize(input: {
  tier: string;
  policyDigest: string;
  planDigest: string;
  packages: readonly SummaryPackage[];
  vulnerabilities: readonly AssessedVulnerability[];
  documents?: SummaryDocuments;
}): DeploymentSummary {
  return {
    ...(input.documents !== undefined && (input.documents.app !== undefined || input.documents.environment !== undefined) ? { documents: input.documents } : {}),
    tier: input.tier,
    policyDigest: input.policyDigest,
    planDigest: input.planDigest,
    packages: input.packages.map(({ name, version, source }) => (source !== undefined && source !== name ? { name, version, source } : { name, version })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    vulnerabilities: input.vulnerabilities
      .map((v) => ({ cve: v.cve, package: v.package, fixedVersion: v.fixedVersion, kev: v.kev !== null && v.kev !== undefined, ssvc: v.ssvc.deployer.outcome }))
      .sort((a, b) => (a.cve === b.cve ? (a.package < b.package ? -1 : 1) : a.cve < b.cve ? -1 : 1)),
  };
}
