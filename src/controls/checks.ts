/**
 * What the schema cannot say about a catalog: every threat id and tier is one the risk engine
 * knows, strengths are in 0–1, tiers point at declared profiles, excludes are declared on both
 * sides, paths are clean, RAM classes agree with their numbers, citations are there. Each
 * problem has its own code (`controls/unknown-threat`, ...); checks run on a catalog that
 * already passed the schema.
 */
import type { IntelDiagnostic } from '../intel/index.js';
import { closest } from '../policy/index.js';
import type { Tier } from '../risk/index.js';
import { ramClassOf, THREAT_IDS, TIERS } from './vocabulary.js';

export type RawMitigates = Record<string, { strength: number; why: string }>;
interface RawSource { kind: 'cited' | 'measured' | 'estimate'; ref?: string; note: string }
export interface RawControl {
  id: string;
  name: string;
  category: string;
  description: string;
  packages: string[];
  excludes?: string[];
  requires?: string[];
  requiredFrom?: string;
  runtime: { daemon: boolean; scheduled: boolean; listens: 'none' | 'local' | 'network'; root: boolean };
  mitigates: RawMitigates;
  nist: string[];
  resources: { ram: { class: 'low' | 'medium' | 'high'; mb: number; when: 'always' | 'while-running'; source: RawSource }; cpu: { class: 'low' | 'medium' | 'high'; source: RawSource } };
  profiles: Record<string, { description: string; files: { path: string; source: string; mode: string }[]; mitigates?: RawMitigates }>;
  tiers: Record<string, string>;
  notes?: string[];
}
export interface RawCatalog { version: 1; suite: string; controls: RawControl[] }

/** Every code `checkCatalog` can report (the tests trigger each one). */
export const CATALOG_CHECK_CODES = [
  'controls/duplicate-id', 'controls/no-mitigation', 'controls/unknown-threat', 'controls/strength-range', 'controls/image-path', 'controls/duplicate-path',
  'controls/source-path', 'controls/unknown-tier', 'controls/unknown-profile', 'controls/unused-profile', 'controls/required-not-offered', 'controls/ram-class',
  'controls/missing-citation', 'controls/self-reference', 'controls/unknown-control', 'controls/asymmetric-exclude', 'controls/requires-excluded',
] as const;

type Emit = (code: string, path: string, message: string, help: string, severity?: 'error' | 'warning') => void;

const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
const suggestion = (input: string, candidates: readonly string[]) => {
  const c = closest(input, candidates);
  return c === undefined ? '' : `; did you mean \`${c}\`?`;
};

function checkMitigates(m: RawMitigates | undefined, at: string, emit: Emit): void {
  for (const [threat, { strength }] of Object.entries(m ?? {})) {
    const path = `${at}${key(threat)}`;
    if (!(THREAT_IDS as readonly string[]).includes(threat)) {
      emit('controls/unknown-threat', path, `\`${threat}\` is not a threat the risk engine weighs${suggestion(threat, THREAT_IDS)}`, `use one of ${THREAT_IDS.join(', ')}`);
    }
    if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
      emit('controls/strength-range', `${path}.strength`, `strength ${strength} is outside 0–1`, 'a strength is the share of the threat the control removes: 0 (none) to 1 (all)');
    }
  }
}

/** An absolute, normalised path: no `.`/`..` segments, no doubled or trailing slash. */
function cleanAbsolute(p: string): boolean {
  return p.startsWith('/') && !p.endsWith('/') && p.slice(1).split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function checkProfiles(c: RawControl, at: string, emit: Emit): void {
  const names = Object.keys(c.profiles);
  for (const [name, profile] of Object.entries(c.profiles)) {
    const pat = `${at}.profiles${key(name)}`;
    checkMitigates(profile.mitigates, `${pat}.mitigates`, emit);
    const seen = new Set<string>();
    profile.files.forEach((f, i) => {
      const fat = `${pat}.files[${i}]`;
      if (!cleanAbsolute(f.path)) emit('controls/image-path', `${fat}.path`, `\`${f.path}\` is not an absolute, normalised path`, 'write the path the file takes in the image, from `/`, without `.`, `..` or doubled slashes');
      if (seen.has(f.path)) emit('controls/duplicate-path', `${fat}.path`, `profile \`${name}\` places \`${f.path}\` twice`, 'keep one entry per image path');
      seen.add(f.path);
      if (!cleanAbsolute(`/${f.source}`)) emit('controls/source-path', `${fat}.source`, `\`${f.source}\` is not a relative path inside profiles/${c.id}/`, `name the file relative to data/security-controls/profiles/${c.id}/, without \`..\``);
    });
  }
  const used = new Set<string>();
  for (const [tier, profile] of Object.entries(c.tiers)) {
    const tat = `${at}.tiers${key(tier)}`;
    if (!(TIERS as readonly string[]).includes(tier)) emit('controls/unknown-tier', tat, `\`${tier}\` is not a tier${suggestion(tier, TIERS)}`, `use one of ${TIERS.join(', ')}`);
    if (!names.includes(profile)) emit('controls/unknown-profile', tat, `tier \`${tier}\` uses profile \`${profile}\`, which \`${c.id}\` does not declare${suggestion(profile, names)}`, `declare it under profiles, or use one of ${names.map((n) => `\`${n}\``).join(', ')}`);
    used.add(profile);
  }
  for (const name of names) {
    if (!used.has(name)) emit('controls/unused-profile', `${at}.profiles${key(name)}`, `no tier uses profile \`${name}\``, 'map a tier to it under tiers, or remove it', 'warning');
  }
  if (c.requiredFrom !== undefined) {
    const from = TIERS.indexOf(c.requiredFrom as Tier);
    if (from < 0) emit('controls/unknown-tier', `${at}.requiredFrom`, `\`${c.requiredFrom}\` is not a tier${suggestion(c.requiredFrom, TIERS)}`, `use one of ${TIERS.join(', ')}`);
    else {
      const missing = TIERS.slice(from).filter((t) => c.tiers[t] === undefined);
      if (missing.length > 0) emit('controls/required-not-offered', `${at}.requiredFrom`, `\`${c.id}\` is required from tier \`${c.requiredFrom}\` but has no profile for ${missing.map((t) => `\`${t}\``).join(', ')}`, 'give every tier from requiredFrom up a profile under tiers');
    }
  }
}

function checkResources(c: RawControl, at: string, emit: Emit): void {
  const { ram, cpu } = c.resources;
  if (ramClassOf(ram.mb) !== ram.class) {
    emit('controls/ram-class', `${at}.resources.ram.class`, `${ram.mb} MB is RAM class \`${ramClassOf(ram.mb)}\`, not \`${ram.class}\``, 'low is below 20 MB, medium below 200 MB, high from 200 MB (data/security-controls/README.md)');
  }
  for (const [what, s] of [['ram', ram.source], ['cpu', cpu.source]] as const) {
    if (s.kind === 'cited' && s.ref === undefined) emit('controls/missing-citation', `${at}.resources.${what}.source`, `a cited ${what} figure names no source`, 'give the URL or document in `ref`, or make the kind `estimate` and explain the reasoning in `note`');
  }
}

function checkReferences(controls: readonly RawControl[], emit: Emit): void {
  const byId = new Map(controls.map((c) => [c.id, c]));
  const ids = [...byId.keys()];
  controls.forEach((c, i) => {
    const at = `$.controls[${i}]`;
    for (const [field, list] of [['excludes', c.excludes ?? []], ['requires', c.requires ?? []]] as const) {
      list.forEach((other, j) => {
        const path = `${at}.${field}[${j}]`;
        const target = byId.get(other);
        if (other === c.id) emit('controls/self-reference', path, `\`${c.id}\` ${field} itself`, `remove \`${other}\` from ${field}`);
        else if (target === undefined) emit('controls/unknown-control', path, `\`${other}\` is not a control in the catalog${suggestion(other, ids)}`, 'name a control by its id');
        else if (field === 'excludes' && !(target.excludes ?? []).includes(c.id)) emit('controls/asymmetric-exclude', path, `\`${c.id}\` excludes \`${other}\`, but \`${other}\` does not exclude \`${c.id}\``, `add \`${c.id}\` to the excludes of \`${other}\` (exclusion goes both ways)`);
        else if (field === 'requires' && ((c.excludes ?? []).includes(other) || (target.excludes ?? []).includes(c.id))) emit('controls/requires-excluded', path, `\`${c.id}\` both requires and excludes \`${other}\``, 'a control cannot need one it cannot be selected with');
      });
    }
  });
}

/** Every problem of a schema-valid catalog. */
export function checkCatalog(catalog: RawCatalog): IntelDiagnostic[] {
  const out: IntelDiagnostic[] = [];
  const emit: Emit = (code, path, message, help, severity = 'error') => out.push({ code, severity, path, message: `${path}: ${message}`, help });
  const seen = new Map<string, number>();
  catalog.controls.forEach((c, i) => {
    const at = `$.controls[${i}]`;
    const first = seen.get(c.id);
    if (first !== undefined) emit('controls/duplicate-id', `${at}.id`, `\`${c.id}\` is already the id of controls[${first}]`, 'give every control its own id');
    else seen.set(c.id, i);
    if (Object.keys(c.mitigates).length === 0) emit('controls/no-mitigation', `${at}.mitigates`, `\`${c.id}\` mitigates no threat`, 'say which threats it reduces and how strongly, or leave it out of the catalog');
    checkMitigates(c.mitigates, `${at}.mitigates`, emit);
    checkProfiles(c, at, emit);
    checkResources(c, at, emit);
  });
  checkReferences(catalog.controls, emit);
  return out;
}
