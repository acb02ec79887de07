/**
 * Debian relationship fields (Depends, Pre-Depends, Recommends, Suggests, Conflicts, Breaks,
 * Replaces, Provides), per Debian Policy §7.1: a comma-separated list of alternatives separated
 * by `|`, each `name[:arch-qualifier] [(op version)] [[arch list]] [<build profiles>]`. Binary
 * package indexes carry no architecture lists or profiles, but source-derived fields can, so
 * they are read (and kept) rather than rejected.
 */
import { parseVersion } from './version.js';

export type RelationOp = '<<' | '<=' | '=' | '>=' | '>>';

export interface Relation {
  readonly name: string;
  /** `any`, `native` or an architecture, after `:`. */
  readonly archQualifier?: string;
  readonly op?: RelationOp;
  readonly version?: string;
  /** `[amd64 !i386]`, as written (source-package fields only). */
  readonly architectures?: readonly string[];
}

/** One entry of the list: satisfied by any of its alternatives. */
export type Alternatives = readonly Relation[];

export type RelationsResult = { readonly ok: true; readonly relations: readonly Alternatives[] } | { readonly ok: false; readonly message: string };

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
// `<` and `>` are obsolete spellings of `<=` and `>=` (Policy §7.1 still says how to read them).
const OPS: Readonly<Record<string, RelationOp>> = { '<<': '<<', '<=': '<=', '=': '=', '>=': '>=', '>>': '>>', '<': '<=', '>': '>=' };
const RELATION = /^([^\s:([<]+)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^\s)]+)\s*\))?\s*(?:\[([^\]]*)\])?\s*(?:<[^>]*>\s*)*$/;

function parseRelation(text: string): Relation | string {
  const m = RELATION.exec(text.trim());
  if (m === null) return `\`${text.trim()}\` is not a relation (name [(op version)])`;
  const [, name, arch, op, version, archs] = m;
  if (!NAME.test(name as string)) return `\`${name}\` is not a package name`;
  if (version !== undefined && !parseVersion(version).ok) return `\`${version}\` in \`${text.trim()}\` is not a version`;
  return {
    name: name as string,
    ...(arch !== undefined ? { archQualifier: arch } : {}),
    ...(op !== undefined ? { op: OPS[op] as RelationOp, version: version as string } : {}),
    ...(archs !== undefined ? { architectures: archs.trim().split(/\s+/) } : {}),
  };
}

export function parseRelations(field: string): RelationsResult {
  const relations: Alternatives[] = [];
  for (const entry of field.split(',')) {
    if (entry.trim() === '') continue; // a trailing comma is tolerated, as dpkg does
    const alternatives: Relation[] = [];
    for (const alt of entry.split('|')) {
      const r = parseRelation(alt);
      if (typeof r === 'string') return { ok: false, message: r };
      alternatives.push(r);
    }
    relations.push(alternatives);
  }
  return { ok: true, relations };
}

/** A relation as Debian writes it: `name:qualifier (op version)`. */
export function formatRelation(r: Relation): string {
  return `${r.name}${r.archQualifier !== undefined ? `:${r.archQualifier}` : ''}${r.op !== undefined ? ` (${r.op} ${r.version})` : ''}`;
}

/** A dependency group as Debian writes it: `a (>= 1) | b`. */
export function formatAlternatives(group: Alternatives): string {
  return group.map(formatRelation).join(' | ');
}
