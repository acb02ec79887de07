/**
 * What the image documents (SBOMs, provenance) are made from: the plan's packages and inputs and
 * the built image's identity. A structural subset of the `tessera-plan/1` plan, so the image
 * builder does not depend on the planner; every field comes straight from the plan or the build.
 */
export interface SbomPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The pool filename the signed index gives (`pool/main/d/dash/dash_0.5.12-2_amd64.deb`). */
  readonly filename: string;
  /** SHA-256 (hex) of the .deb, as the signed index gives it and the fetch verified. */
  readonly sha256: string;
  readonly layer: string;
  readonly why: { readonly kind: string; readonly control?: string; readonly of?: string; readonly relation?: string };
}

export interface SbomSource {
  readonly label: string;
  readonly codename: string;
  readonly path: string;
  /** SHA-256 (hex) of the uncompressed index. */
  readonly sha256: string;
}

export interface ImageDocumentsInput {
  /** The application (plan.app): the image's name in every document. */
  readonly app: string;
  /** The image manifest's digest (`sha256:<hex>`). */
  readonly imageDigest: string;
  /** The plan's digest (`sha256:<hex>`). */
  readonly planDigest: string;
  readonly sourceDateEpoch: number;
  readonly packages: readonly SbomPackage[];
  /** The signed indexes the packages come from. */
  readonly sources: readonly SbomSource[];
  /** The intel snapshots the risk assessment used (plan.risk.intel). */
  readonly intel?: { readonly kev: string | null; readonly epss: string | null };
  /** Tessera's version, for the documents' creator/tool fields. */
  readonly toolVersion: string;
}

const DEBIAN_VERSIONS: Readonly<Record<string, string>> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };

/** The purl `distro` qualifier for a Debian codename: `debian-12` for bookworm. */
export function distroQualifier(codename: string | undefined): string {
  const v = DEBIAN_VERSIONS[codename ?? 'bookworm'];
  return v === undefined ? (codename ?? 'debian') : `debian-${v}`;
}

/** The package's purl (purl spec, type `deb`): name and version percent-encoded (an epoch's `:` is `%3A`). */
export function debPurl(p: Pick<SbomPackage, 'name' | 'version' | 'architecture'>, distro: string): string {
  return `pkg:deb/debian/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?arch=${encodeURIComponent(p.architecture)}&distro=${encodeURIComponent(distro)}`;
}

/** The image's purl (type `oci`): `pkg:oci/<name>@sha256%3A<hex>`. */
export function imagePurl(app: string, digest: string): string {
  return `pkg:oci/${encodeURIComponent(app.toLowerCase())}@${encodeURIComponent(digest)}`;
}

/** Why the plan has the package, in words. */
export function reasonText(why: SbomPackage['why']): string {
  switch (why.kind) {
    case 'control':
      return `control ${why.control ?? '?'}`;
    case 'dependency':
      return `dependency of ${why.of ?? '?'}${why.relation !== undefined ? ` (${why.relation})` : ''}`;
    default:
      return why.kind;
  }
}

/** An ISO 8601 UTC time without fractions (what SPDX's pattern requires). */
export function isoSeconds(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function digestHex(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (m === null) throw new RangeError(`not a sha256 digest: ${digest}`);
  return m[1] as string;
}

/** Packages sorted by name, then version (the order every document lists them in). */
export function sortedPackages(packages: readonly SbomPackage[]): SbomPackage[] {
  return [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}
