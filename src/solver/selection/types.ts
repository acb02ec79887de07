/**
 * What the component selection engine takes and gives. The engine is pure: the risk profile,
 * the control catalog and the policy come in as data, the plan goes out as data.
 */
import type { Candidate } from '../../catalog/index.js';
import type { Tier } from '../../risk/index.js';
import type { RootRequest } from '../resolver/index.js';

export type CostClass = 'low' | 'medium' | 'high';

/** One way to implement a security control: the packages to install and what they buy. */
export interface ControlOption {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  /** Debian binary packages to install (the roots of the control's closure). */
  readonly packages: readonly string[];
  /** Threat id → how much of that threat the control removes, 0–1. */
  readonly mitigates: Readonly<Record<string, number>>;
  readonly ram: CostClass;
  readonly cpu: CostClass;
  /** Runs a long-lived service, and whether that listens on the network (attack surface). */
  readonly daemon: boolean;
  readonly listens: boolean;
  /** Controls that must not be installed beside this one (the catalog says so). */
  readonly excludes: readonly string[];
  /** NIST SP 800-53 controls it implements, for the plan's report. */
  readonly nist: readonly string[];
  /** Controls that must be chosen whenever this one is. */
  readonly requires?: readonly string[];
  /** Why the catalog makes it mandatory at this tier, if it does. */
  readonly mandatory?: string;
  /** The configuration profile chosen for the tier, if any. */
  readonly profile?: { readonly name: string; readonly files: readonly PlannedFile[] };
}

export interface PlannedFile {
  /** Absolute path in the image. */
  readonly path: string;
  /** Where the content comes from (repository-relative path of the profile file). */
  readonly source: string;
  readonly mode: string;
}

export interface SelectionPolicy {
  /** Control ids that must be in the image. */
  readonly required?: readonly string[];
  /** Package names or `*` patterns that must not be (app dependencies included). */
  readonly prohibited?: readonly string[];
  /** Installed size of the whole image, MiB. */
  readonly maxImageMiB?: number;
  /** Archive sources (`bookworm/main`, `bookworm-security/main`) packages may come from. */
  readonly allowedSources?: readonly string[];
  /** Categories that need at least one control from a tier upwards (`high: [firewall, audit]`). */
  readonly minimumCategories?: Readonly<Partial<Record<Tier, readonly string[]>>>;
  /**
   * From this tier up, a package with a build in a security suite takes that build even when
   * another source has an equal or newer version or a higher priority; below it apt's order
   * (priority, then newest) applies. Default `high`.
   */
  readonly preferSecurityFromTier?: Tier;
}

/** Points of the objective; benefit is 100 points for removing a threat of weight 1 entirely. */
export interface CostWeights {
  readonly benefitScale: number;
  /** Fixed cost of running any control: configuration, updates, alert handling. */
  readonly perControl: number;
  readonly ram: Readonly<Record<CostClass, number>>;
  readonly cpu: Readonly<Record<CostClass, number>>;
  readonly daemon: number;
  readonly listening: number;
  /** Per MiB of installed size the control adds (its whole closure, shared packages once). */
  readonly perMiB: number;
  /** Per known open vulnerability in an added package, times its CVSS / 10. */
  readonly perVulnerability: number;
  /** Per setuid or setgid file an added package installs (local privilege-escalation surface). */
  readonly perSetuidFile: number;
}

export const DEFAULT_COST_WEIGHTS: CostWeights = {
  benefitScale: 100,
  perControl: 10,
  ram: { low: 1, medium: 6, high: 20 },
  cpu: { low: 1, medium: 5, high: 15 },
  daemon: 2,
  listening: 8,
  perMiB: 0.15,
  perVulnerability: 4,
  perSetuidFile: 2,
};

export interface SelectionInput {
  readonly tier: Tier;
  readonly threats: readonly { readonly id: string; readonly weight: number }[];
  /** The application's packages (its roots; their dependencies follow). */
  readonly app: readonly RootRequest[];
  readonly controls: readonly ControlOption[];
  readonly policy: SelectionPolicy;
  /** Also install every Essential package (a new root filesystem needs them). */
  readonly essential: boolean;
  /** Sum of CVSS/10 of known open vulnerabilities of a package version (from the intel module). */
  readonly knownVulnerabilities?: (c: Candidate) => number;
  /**
   * Paths of the setuid/setgid files a package version installs (from the package facts), or
   * undefined when there is no fact for that build: it then costs nothing and is counted in a note.
   */
  readonly setuidFiles?: (c: Candidate) => readonly string[] | undefined;
  readonly weights?: CostWeights;
}

export type PackageReason =
  | { readonly kind: 'app' }
  | { readonly kind: 'essential' }
  | { readonly kind: 'control'; readonly control: string }
  | { readonly kind: 'dependency'; readonly of: string; readonly relation: string };

export interface PlannedPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly source: string;
  readonly filename: string;
  readonly sha256: string;
  readonly size: number;
  readonly installedSize: number;
  /** Which layer the builder puts it in. */
  readonly layer: 'base' | 'security';
  readonly why: PackageReason;
  /**
   * Why this build, when a security suite has one of the package: the security build preferred at
   * this tier, or apt's order chosen instead (below the tier of preferSecurityFromTier).
   */
  readonly build?: string;
}

export interface SelectedControl {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly packages: readonly string[];
  /** Threat id → points of risk-weighted mitigation this control contributes. */
  readonly benefit: Readonly<Record<string, number>>;
  readonly cost: number;
  readonly addedPackages: number;
  readonly addedKiB: number;
  /** Setuid/setgid files the packages charged to this control install (when facts were given). */
  readonly setuidFiles?: readonly string[];
  /** Of the packages charged to this control, how many had no package facts (their setuid files are unknown). */
  readonly withoutFacts?: number;
  readonly nist: readonly string[];
  readonly requiredBy?: string;
  readonly profile?: { readonly name: string; readonly files: readonly PlannedFile[] };
}

export interface RejectedControl {
  readonly id: string;
  readonly category: string;
  readonly reason: 'cost-over-benefit' | 'prohibited' | 'uninstallable' | 'excluded-by' | 'not-offered';
  readonly detail: string;
}

export interface SelectionDiagnostic {
  readonly code: 'select/app-unresolvable' | 'select/infeasible' | 'select/solver';
  readonly severity: 'error';
  readonly message: string;
  readonly help: string;
  /** The clashing rules or constraints, each as a sentence. */
  readonly clash?: readonly string[];
}

/** Something the plan's reader should know that does not stop the plan. */
export interface SelectionNote {
  readonly code: 'select/no-package-facts';
  readonly severity: 'warning';
  readonly message: string;
  readonly help: string;
}

export interface Selection {
  readonly notes?: readonly SelectionNote[];
  readonly packages: readonly PlannedPackage[];
  readonly controls: readonly SelectedControl[];
  readonly rejected: readonly RejectedControl[];
  readonly totals: {
    readonly packages: number;
    readonly installedKiB: number;
    readonly downloadBytes: number;
    readonly basePackages: number;
    readonly securityPackages: number;
  };
  readonly objective: { readonly benefit: number; readonly cost: number; readonly value: number };
  readonly solver: { readonly variables: number; readonly constraints: number; readonly milliseconds: number };
}

export type SelectionResult =
  | { readonly ok: true; readonly selection: Selection }
  | { readonly ok: false; readonly diagnostics: readonly SelectionDiagnostic[] };
