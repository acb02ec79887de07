/**
 * Package facts: what a .deb holds that its Packages stanza does not say — today, the files it
 * installs setuid or setgid (local privilege-escalation surface the selection engine prices).
 * Facts are keyed by `name version architecture sha256`, the SHA-256 of the .deb the signed index
 * lists, so a fact read from one build never applies to another build of the same version.
 *
 * Pure: the scanner takes the data archive's entry headers (however they were read), the format
 * is text in and out.
 */

/** The part of a data-archive entry header the scanner reads (the image reader's TarHeader fits). */
export interface ArchiveEntryHeader {
  /** As written in the archive, e.g. `./usr/bin/passwd`. */
  readonly path: string;
  readonly type: 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';
  /** Permission bits including setuid (0o4000) and setgid (0o2000). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
}

/** A file installed with the setuid or setgid bit. */
export interface PrivilegedFile {
  /** Absolute path in the installed system, e.g. `/usr/bin/passwd`. */
  readonly path: string;
  /** Permission bits as four octal digits, e.g. `4755`. */
  readonly mode: string;
  /** `user:group` as the archive names them (numeric ids when it names none). */
  readonly owner: string;
}

const SETUID = 0o4000;
const SETGID = 0o2000;

/** `./usr/bin/su` → `/usr/bin/su`, as dpkg installs it. */
const installedPath = (path: string) => `/${path.replace(/^\.?\/+/, '').replace(/\/+$/, '')}`;

/**
 * The setuid and setgid regular files among a data archive's entries, sorted by path. A hardlink
 * is a regular file once installed, so it counts with its own mode bits (tar stores them per entry).
 */
export function privilegedFiles(entries: Iterable<ArchiveEntryHeader>): PrivilegedFile[] {
  const found: PrivilegedFile[] = [];
  for (const e of entries) {
    if (e.type !== 'file' && e.type !== 'hardlink') continue;
    if ((e.mode & (SETUID | SETGID)) === 0) continue;
    const user = e.uname !== '' ? e.uname : String(e.uid);
    const group = e.gname !== '' ? e.gname : String(e.gid);
    found.push({ path: installedPath(e.path), mode: (e.mode & 0o7777).toString(8).padStart(4, '0'), owner: `${user}:${group}` });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const PACKAGE_FACTS_FORMAT = 'tessera-package-facts/1';

/** Which .deb a fact belongs to: the index's name, version, architecture and SHA-256. */
export interface DebIdentity {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly sha256: string;
}

export const packageFactsKey = (d: DebIdentity): string => `${d.name} ${d.version} ${d.architecture} ${d.sha256}`;

export interface PackageFactsHeader {
  /** How the file was made (the command line), so it can be made again. */
  readonly generatedBy: string;
  /** The signed indexes whose closures were scanned (label, index path and its SHA-256). */
  readonly indexes: readonly { readonly label: string; readonly path: string; readonly sha256: string }[];
  readonly note?: string;
}

export interface PackageFactsFile {
  readonly format: typeof PACKAGE_FACTS_FORMAT;
  readonly header: PackageFactsHeader;
  /** By packageFactsKey; a package with no privileged file has an empty list (a fact, not a gap). */
  readonly packages: Readonly<Record<string, { readonly setuid: readonly PrivilegedFile[] }>>;
}

export interface PackageFactsProblem {
  readonly code: 'facts/not-json' | 'facts/format' | 'facts/bad-entry';
  readonly message: string;
}

/** The file's text: keys sorted, one package per line, so a regenerated file diffs cleanly. */
export function encodePackageFacts(file: PackageFactsFile): string {
  const keys = Object.keys(file.packages).sort();
  const lines = keys.map((k, i) => `    ${JSON.stringify(k)}: ${JSON.stringify(file.packages[k])}${i < keys.length - 1 ? ',' : ''}`);
  return `{\n  "format": ${JSON.stringify(file.format)},\n  "header": ${JSON.stringify(file.header, null, 2).replace(/\n/g, '\n  ')},\n  "packages": {\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}  }\n}\n`;
}

const KEY = /^\S+ \S+ \S+ [0-9a-f]{64}$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkFile(v: unknown): v is PrivilegedFile {
  return isRecord(v) && typeof v.path === 'string' && v.path.startsWith('/') && typeof v.mode === 'string' && /^[0-7]{4}$/.test(v.mode) && typeof v.owner === 'string';
}

/** Reads a facts file; every malformed entry is a problem, and any problem rejects the file. */
export function parsePackageFacts(text: string): { ok: true; value: PackageFactsFile } | { ok: false; problems: PackageFactsProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ code: 'facts/not-json', message: `not JSON: ${(e as Error).message}` }] };
  }
  if (!isRecord(value) || value.format !== PACKAGE_FACTS_FORMAT || !isRecord(value.header) || !isRecord(value.packages)) {
    return { ok: false, problems: [{ code: 'facts/format', message: `not a ${PACKAGE_FACTS_FORMAT} file (format, header and packages are required)` }] };
  }
  const problems: PackageFactsProblem[] = [];
  for (const [key, entry] of Object.entries(value.packages)) {
    if (!KEY.test(key)) problems.push({ code: 'facts/bad-entry', message: `\`${key}\` is not \`name version architecture sha256\`` });
    else if (!isRecord(entry) || !Array.isArray(entry.setuid) || !entry.setuid.every(checkFile)) problems.push({ code: 'facts/bad-entry', message: `${key}: setuid must be a list of {path, mode, owner}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: value as unknown as PackageFactsFile };
}

/** Facts to look up by the index entry of a package; undefined when the file has no fact for that build. */
export class PackageFacts {
  private readonly byKey: ReadonlyMap<string, { readonly setuid: readonly PrivilegedFile[] }>;

  constructor(readonly file: PackageFactsFile) {
    this.byKey = new Map(Object.entries(file.packages));
  }

  get size(): number {
    return this.byKey.size;
  }

  setuidFiles(deb: DebIdentity): readonly PrivilegedFile[] | undefined {
    return this.byKey.get(packageFactsKey(deb))?.setuid;
  }
}
