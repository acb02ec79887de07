/**
 * The security control catalog: Debian packages that mitigate the risk engine's threats, what
 * they cost, and the configuration each tier puts in the image (data/security-controls/). The
 * parser takes the text of controls.yaml and returns the catalog or every problem it found,
 * located (JSON path and line); it reads no files: the adapter in app/controls.ts does.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { checkSchema, hasErrors, type IntelDiagnostic, type Parsed } from '../intel/index.js';
import type { ThreatId, Tier } from '../risk/index.js';
import { checkCatalog, type RawCatalog, type RawControl, type RawMitigates } from './checks.js';
import { CONTROL_CATALOG_SCHEMA } from './schema.js';
import { THREAT_IDS, TIERS, type ControlCategory, type ResourceClass } from './vocabulary.js';

/** Where a resource figure comes from: a cited document, a measurement, or a reasoned estimate. */
export interface ResourceSource {
  readonly kind: 'cited' | 'measured' | 'estimate';
  /** URL or document reference; required when `cited`. */
  readonly ref: string | null;
  readonly note: string;
}

export interface Mitigation {
  readonly threat: ThreatId;
  /** 0–1: the share of the threat the control removes when in place. */
  readonly strength: number;
  readonly why: string;
}

export interface ProfileFile {
  /** Absolute path in the image. */
  readonly path: string;
  /** Relative to data/security-controls/profiles/<control-id>/. */
  readonly source: string;
  /** Octal, as text: `0644`. Files belong to root:root. */
  readonly mode: string;
}

export interface ControlProfile {
  readonly name: string;
  readonly description: string;
  readonly files: readonly ProfileFile[];
  /** Strengths that differ from the control's under this profile. */
  readonly mitigates: readonly Mitigation[];
}

export interface SecurityControl {
  readonly id: string;
  readonly name: string;
  readonly category: ControlCategory;
  readonly description: string;
  /** Debian binary packages to install (their dependency closure comes from the index). */
  readonly packages: readonly string[];
  /** Controls that cannot be selected together with this one (declared on both sides). */
  readonly excludes: readonly string[];
  /** Controls that must be selected whenever this one is. */
  readonly requires: readonly string[];
  /** The lowest tier from which the control is mandatory, if any. */
  readonly requiredFrom: Tier | null;
  readonly runtime: { readonly daemon: boolean; readonly scheduled: boolean; readonly listens: 'none' | 'local' | 'network'; readonly root: boolean };
  readonly mitigates: readonly Mitigation[];
  /** NIST SP 800-53 Rev. 5 controls it implements (in part). */
  readonly nist: readonly string[];
  readonly resources: {
    readonly ram: { readonly class: ResourceClass; readonly mb: number; readonly when: 'always' | 'while-running'; readonly source: ResourceSource };
    readonly cpu: { readonly class: ResourceClass; readonly source: ResourceSource };
  };
  readonly profiles: readonly ControlProfile[];
  /** The profile each tier uses; a tier not listed does not offer the control. */
  readonly tiers: Readonly<Partial<Record<Tier, string>>>;
  readonly notes: readonly string[];
}

export interface ControlCatalog {
  readonly version: 1;
  /** The Debian suite the package names are for. */
  readonly suite: string;
  readonly controls: readonly SecurityControl[];
  readonly byId: ReadonlyMap<string, SecurityControl>;
}

function yamlDiagnostic(message: string, line: number | undefined): IntelDiagnostic {
  return { code: 'controls/yaml', severity: 'error', path: line === undefined ? '$' : `line ${line}`, message: `not YAML: ${message.split('\n')[0] ?? message}`, help: 'fix the YAML syntax of controls.yaml' };
}

/** `$.controls[3].mitigates["brute-force"]` → [`controls`, 3, `mitigates`, `brute-force`]. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.slice(1).matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** Appends the YAML line of the diagnostic's path (the nearest node that exists). */
function withLine(d: IntelDiagnostic, doc: Document, lines: LineCounter): IntelDiagnostic {
  const segments = pathSegments(d.path);
  for (let n = segments.length; n >= 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return { ...d, message: `${d.message} (line ${lines.linePos(node.range[0]).line})` };
  }
  return d;
}

function mitigations(raw: RawMitigates | undefined): Mitigation[] {
  const order = new Map<string, number>(THREAT_IDS.map((t, i) => [t, i]));
  return Object.entries(raw ?? {})
    .map(([threat, m]) => ({ threat: threat as ThreatId, strength: m.strength, why: m.why }))
    .sort((a, b) => (order.get(a.threat) ?? 0) - (order.get(b.threat) ?? 0));
}

const source = (s: { kind: ResourceSource['kind']; ref?: string; note: string }): ResourceSource => ({ kind: s.kind, ref: s.ref ?? null, note: s.note });

function toControl(c: RawControl): SecurityControl {
  return {
    id: c.id,
    name: c.name,
    category: c.category as ControlCategory,
    description: c.description,
    packages: c.packages,
    excludes: [...(c.excludes ?? [])].sort(),
    requires: [...(c.requires ?? [])].sort(),
    requiredFrom: (c.requiredFrom ?? null) as Tier | null,
    runtime: c.runtime,
    mitigates: mitigations(c.mitigates),
    nist: c.nist,
    resources: {
      ram: { class: c.resources.ram.class, mb: c.resources.ram.mb, when: c.resources.ram.when, source: source(c.resources.ram.source) },
      cpu: { class: c.resources.cpu.class, source: source(c.resources.cpu.source) },
    },
    profiles: Object.entries(c.profiles).map(([name, p]) => ({ name, description: p.description, files: p.files, mitigates: mitigations(p.mitigates) })),
    tiers: Object.fromEntries(TIERS.filter((t) => c.tiers[t] !== undefined).map((t) => [t, c.tiers[t]])) as Partial<Record<Tier, string>>,
    notes: c.notes ?? [],
  };
}

/** Parses and checks controls.yaml; any error rejects the catalog whole. */
export function parseControlCatalog(yamlText: string): Parsed<ControlCatalog> {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return { ok: false, diagnostics: doc.errors.map((e) => yamlDiagnostic(e.message, lines.linePos(e.pos[0]).line)) };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const schema = checkSchema(value, CONTROL_CATALOG_SCHEMA, 'controls/schema', 'error', 'see data/security-controls/README.md for the catalog\'s fields');
  if (hasErrors(schema)) return { ok: false, diagnostics: schema.map((d) => withLine(d, doc, lines)) };
  const raw = value as RawCatalog;
  const diagnostics = checkCatalog(raw).map((d) => withLine(d, doc, lines));
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  const controls = raw.controls.map(toControl);
  return { ok: true, value: { version: 1, suite: raw.suite, controls, byId: new Map(controls.map((c) => [c.id, c])) }, diagnostics };
}

/** The profile a tier puts in the image, or undefined when the tier does not offer the control. */
export function profileAt(control: SecurityControl, tier: Tier): ControlProfile | undefined {
  const name = control.tiers[tier];
  return name === undefined ? undefined : control.profiles.find((p) => p.name === name);
}

/** The control's mitigations at a tier (its profile's overrides applied); empty when not offered. */
export function mitigationAt(control: SecurityControl, tier: Tier): Mitigation[] {
  const profile = profileAt(control, tier);
  if (profile === undefined) return [];
  const overrides = new Map(profile.mitigates.map((m) => [m.threat, m]));
  const merged = control.mitigates.map((m) => overrides.get(m.threat) ?? m);
  const extra = profile.mitigates.filter((m) => !control.mitigates.some((c) => c.threat === m.threat));
  const order = new Map<string, number>(THREAT_IDS.map((t, i) => [t, i]));
  return [...merged, ...extra].sort((a, b) => (order.get(a.threat) ?? 0) - (order.get(b.threat) ?? 0));
}

/** Σ over threats of weight × strength at a tier: what the selection engine maximises. */
export function benefitAt(control: SecurityControl, tier: Tier, weights: Readonly<Partial<Record<ThreatId, number>>>): number {
  return mitigationAt(control, tier).reduce((sum, m) => sum + (weights[m.threat] ?? 0) * m.strength, 0);
}
