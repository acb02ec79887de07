/**
 * A compact form of a parsed package index, to load instead of decompressing and reparsing
 * (tens of megabytes of deb822 text). Strings are interned once (a package name appears in its
 * own stanza and in hundreds of relations), each package is one array of numbers and string
 * indexes, and relations are flat number arrays. Encoding and decoding are pure; the caller
 * stores the text.
 */
import type { BinaryPackage } from './packages.js';
import type { Alternatives, Relation, RelationOp } from './relations.js';

export const INDEX_CACHE_FORMAT = 'tessera-index/1';

/** What the index was read from, so a stale cache is recognised. */
export interface CacheSource {
  readonly codename: string;
  readonly path: string;
  readonly sha256: string;
}

interface CacheDocument {
  readonly format: string;
  readonly source: CacheSource;
  readonly strings: string[];
  readonly packages: (number | string | number[][])[][];
}

const OPS: readonly (RelationOp | undefined)[] = [undefined, '<<', '<=', '=', '>=', '>>'];
const MULTI_ARCH = ['no', 'same', 'foreign', 'allowed'] as const;
const RELATION_KEYS = ['depends', 'preDepends', 'recommends', 'suggests', 'conflicts', 'breaks', 'replaces', 'provides'] as const;

export function encodeIndexCache(packages: readonly BinaryPackage[], source: CacheSource): string {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  // Each relation is four numbers: name, operator, version (-1: none), arch qualifier (-1: none).
  // Architecture lists never occur in binary indexes; a relation carrying one is kept whole.
  const relations = (list: readonly Alternatives[]): number[][] => list.map((alts) => alts.flatMap((r) => {
    if (r.architectures !== undefined) throw new RangeError(`relation on ${r.name} has an architecture list, which binary indexes do not carry`);
    return [id(r.name), OPS.indexOf(r.op), r.version === undefined ? -1 : id(r.version), r.archQualifier === undefined ? -1 : id(r.archQualifier)];
  }));
  const rows = packages.map((p) => [
    id(p.name), id(p.version), id(p.architecture), id(p.source), id(p.sourceVersion), MULTI_ARCH.indexOf(p.multiArch) * 2 + (p.essential ? 1 : 0),
    id(p.priority), id(p.section), p.installedSize, p.size, id(p.filename), p.sha256, id(p.summary),
    ...RELATION_KEYS.map((k) => relations(p[k])),
  ]);
  const doc: CacheDocument = { format: INDEX_CACHE_FORMAT, source, strings, packages: rows };
  return JSON.stringify(doc);
}

export type DecodedCache = { readonly ok: true; readonly source: CacheSource; readonly packages: BinaryPackage[] } | { readonly ok: false; readonly message: string };

export function decodeIndexCache(text: string): DecodedCache {
  let doc: CacheDocument;
  try {
    doc = JSON.parse(text) as CacheDocument;
  } catch (e) {
    return { ok: false, message: `the cache is not JSON: ${(e as Error).message}` };
  }
  if (doc?.format !== INDEX_CACHE_FORMAT) return { ok: false, message: `the cache is not ${INDEX_CACHE_FORMAT} (rebuild it)` };
  const s = doc.strings;
  const str = (i: unknown): string => {
    const v = typeof i === 'number' ? s[i] : undefined;
    if (v === undefined) throw new RangeError(`string index ${String(i)} is out of range`);
    return v;
  };
  const relations = (rows: number[][]): Alternatives[] => rows.map((flat) => {
    const alts: Relation[] = [];
    for (let i = 0; i + 3 < flat.length; i += 4) {
      const op = OPS[flat[i + 1] as number];
      const version = flat[i + 2] as number;
      const qualifier = flat[i + 3] as number;
      alts.push({ name: str(flat[i]), ...(qualifier >= 0 ? { archQualifier: str(qualifier) } : {}), ...(op !== undefined && version >= 0 ? { op, version: str(version) } : {}) });
    }
    return alts;
  });
  try {
    const packages = doc.packages.map((row): BinaryPackage => {
      const flags = row[5] as number;
      const rel = (k: number) => relations(row[13 + k] as number[][]);
      return {
        name: str(row[0]), version: str(row[1]), architecture: str(row[2]), source: str(row[3]), sourceVersion: str(row[4]),
        multiArch: MULTI_ARCH[flags >> 1] ?? 'no', essential: (flags & 1) === 1, priority: str(row[6]), section: str(row[7]),
        installedSize: row[8] as number, size: row[9] as number, filename: str(row[10]), sha256: row[11] as string, summary: str(row[12]),
        depends: rel(0), preDepends: rel(1), recommends: rel(2), suggests: rel(3), conflicts: rel(4), breaks: rel(5), replaces: rel(6), provides: rel(7),
      };
    });
    return { ok: true, source: doc.source, packages };
  } catch (e) {
    return { ok: false, message: `the cache is damaged: ${(e as Error).message} (rebuild it)` };
  }
}
