/**
 * Debian binary package indexes (`Packages`): deb822 stanzas separated by blank lines, fields
 * `Name: value` with continuation lines starting with a space or tab. The parser is incremental:
 * feed it text in chunks of any size (a decompressing stream's output) and it yields complete
 * packages as they end, so a 60,000-package index never has to sit in memory as one string.
 * Problems are collected per stanza (with its line) and the stanza is skipped; the caller decides
 * whether any problem makes the whole index unusable.
 */
import { parseRelations, type Alternatives } from './relations.js';
import { parseVersion } from './version.js';

export interface BinaryPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** Source package and, when it differs from the binary's, its version. */
  readonly source: string;
  readonly sourceVersion: string;
  readonly multiArch: 'no' | 'same' | 'foreign' | 'allowed';
  readonly essential: boolean;
  readonly priority: string;
  readonly section: string;
  /** Installed size in KiB and download size in bytes. */
  readonly installedSize: number;
  readonly size: number;
  readonly filename: string;
  readonly sha256: string;
  readonly depends: readonly Alternatives[];
  readonly preDepends: readonly Alternatives[];
  readonly recommends: readonly Alternatives[];
  readonly suggests: readonly Alternatives[];
  readonly conflicts: readonly Alternatives[];
  readonly breaks: readonly Alternatives[];
  readonly replaces: readonly Alternatives[];
  readonly provides: readonly Alternatives[];
  /** The first line of Description. */
  readonly summary: string;
}

export interface IndexProblem {
  readonly line: number;
  readonly package: string | null;
  readonly message: string;
}

const RELATION_FIELDS = [['depends', 'depends'], ['pre-depends', 'preDepends'], ['recommends', 'recommends'], ['suggests', 'suggests'], ['conflicts', 'conflicts'], ['breaks', 'breaks'], ['replaces', 'replaces'], ['provides', 'provides']] as const;
const MULTI_ARCH = new Set(['no', 'same', 'foreign', 'allowed']);

/** One stanza's fields (names lower-cased) into a package, or the reason it is not one. */
function toPackage(fields: ReadonlyMap<string, string>): BinaryPackage | string {
  const name = fields.get('package');
  const version = fields.get('version');
  const architecture = fields.get('architecture');
  if (name === undefined) return 'the stanza has no Package field';
  if (version === undefined) return 'no Version field';
  if (architecture === undefined) return 'no Architecture field';
  const v = parseVersion(version);
  if (!v.ok) return v.message;
  const sourceField = fields.get('source') ?? name;
  const sm = /^(\S+)(?:\s+\((\S+)\))?$/.exec(sourceField.trim());
  if (sm === null) return `\`${sourceField}\` is not a Source field`;
  const multiArch = (fields.get('multi-arch') ?? 'no').toLowerCase();
  if (!MULTI_ARCH.has(multiArch)) return `\`${multiArch}\` is not a Multi-Arch value`;
  const relations: Record<string, readonly Alternatives[]> = {};
  for (const [field, key] of RELATION_FIELDS) {
    const text = fields.get(field);
    if (text === undefined) {
      relations[key] = [];
      continue;
    }
    const r = parseRelations(text);
    if (!r.ok) return `${field}: ${r.message}`;
    relations[key] = r.relations;
  }
  const int = (field: string) => {
    const t = fields.get(field);
    return t !== undefined && /^\d+$/.test(t) ? Number(t) : 0;
  };
  return {
    name, version, architecture,
    source: sm[1] as string, sourceVersion: sm[2] ?? version,
    multiArch: multiArch as BinaryPackage['multiArch'],
    essential: (fields.get('essential') ?? '').toLowerCase() === 'yes',
    priority: fields.get('priority') ?? 'optional',
    section: fields.get('section') ?? '',
    installedSize: int('installed-size'), size: int('size'),
    filename: fields.get('filename') ?? '', sha256: fields.get('sha256') ?? '',
    depends: relations.depends ?? [], preDepends: relations.preDepends ?? [], recommends: relations.recommends ?? [], suggests: relations.suggests ?? [],
    conflicts: relations.conflicts ?? [], breaks: relations.breaks ?? [], replaces: relations.replaces ?? [], provides: relations.provides ?? [],
    summary: (fields.get('description') ?? '').split('\n')[0] ?? '',
  };
}

/** An incremental Packages parser: `push` chunks, then `end`; each returns the packages completed. */
export class PackagesParser {
  readonly problems: IndexProblem[] = [];
  private rest = '';
  private line = 0;
  private fields = new Map<string, string>();
  private current: string | null = null;
  private stanzaLine = 1;

  push(chunk: string): BinaryPackage[] {
    const out: BinaryPackage[] = [];
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.take(text.slice(start, nl).replace(/\r$/, ''), out);
      start = nl + 1;
    }
    this.rest = text.slice(start);
    return out;
  }

  end(): BinaryPackage[] {
    const out: BinaryPackage[] = [];
    if (this.rest !== '') this.take(this.rest, out);
    this.rest = '';
    this.finish(out);
    return out;
  }

  private take(line: string, out: BinaryPackage[]): void {
    this.line++;
    if (line.trim() === '') {
      this.finish(out);
      return;
    }
    if (this.fields.size === 0 && this.current === null) this.stanzaLine = this.line;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (this.current === null) {
        this.problems.push({ line: this.line, package: null, message: 'a continuation line before any field' });
        return;
      }
      const body = line.trim();
      this.fields.set(this.current, `${this.fields.get(this.current) ?? ''}\n${body === '.' ? '' : body}`);
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      this.problems.push({ line: this.line, package: this.fields.get('package') ?? null, message: `\`${line.slice(0, 60)}\` is not a field` });
      return;
    }
    this.current = line.slice(0, colon).toLowerCase();
    this.fields.set(this.current, line.slice(colon + 1).trim());
  }

  private finish(out: BinaryPackage[]): void {
    if (this.fields.size > 0) {
      const p = toPackage(this.fields);
      if (typeof p === 'string') this.problems.push({ line: this.stanzaLine, package: this.fields.get('package') ?? null, message: p });
      else out.push(p);
    }
    this.fields = new Map();
    this.current = null;
  }
}

/** Parses a whole index held in memory. */
export function parsePackages(text: string): { packages: BinaryPackage[]; problems: IndexProblem[] } {
  const parser = new PackagesParser();
  const packages = [...parser.push(text), ...parser.end()];
  return { packages, problems: parser.problems };
}
