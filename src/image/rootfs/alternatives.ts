/**
 * The alternatives maintainer scripts would have set up, done declaratively (pure). Every
 * package's literal `update-alternatives --install` calls (`alternatives-script.ts`) register
 * choices; per alternative name the best choice wins as dpkg's auto mode picks it — the highest
 * priority, ties to the first path in byte order (the order dpkg keeps choices in) — and becomes
 *   `/etc/alternatives/NAME -> PATH`, `LINK -> /etc/alternatives/NAME`,
 *   the same for each slave the winner provides, and
 *   `/var/lib/dpkg/alternatives/NAME` in dpkg's admindir format (`auto`, the links, the choices),
 * which `update-alternatives --root` writes byte for byte the same (the tests compare them).
 *
 * Only what dpkg would accept: a choice whose PATH is not a file in the image is dropped (dpkg
 * refuses to install it), and a LINK where a package ships something other than a symlink is left
 * alone (dpkg does not replace it either). Everything dropped or left alone is a warning.
 */
import { imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import { ancestors, mergedUsr, normalizePath } from '../layer/paths.js';
import { extractAlternatives, type AlternativeInstall } from './alternatives-script.js';
import type { RootfsEntry } from './files.js';

/** What the package layers hold at a path (normalized, merged-/usr). */
export interface ImagePathEntry {
  readonly type: 'file' | 'hardlink' | 'directory' | 'symlink';
  /** Symlinks: the target as written. */
  readonly linkname: string;
}

export type ImagePaths = ReadonlyMap<string, ImagePathEntry>;

export interface AlternativesPackage {
  readonly name: string;
  /** The .deb's file name, for diagnostics. */
  readonly fileName: string;
  /** The package's `postinst`, when it has one. */
  readonly postinst?: string;
}

export interface ChosenAlternative {
  readonly name: string;
  readonly path: string;
  readonly priority: number;
  readonly package: string;
}

export interface AlternativesResult {
  readonly entries: RootfsEntry[];
  readonly chosen: ChosenAlternative[];
  /** Warnings: calls that could not be read, choices and links left out. */
  readonly diagnostics: ImageDiagnostic[];
}

export const ALTERNATIVES_DIR = 'etc/alternatives';
export const ALTERNATIVES_ADMINDIR = 'var/lib/dpkg/alternatives';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const enc = new TextEncoder();
const symlink = (path: string, linkname: string): RootfsEntry => ({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, content: new Uint8Array(0), linkname });

/** An absolute path as the image stores it (`/bin/nc` → `usr/bin/nc`), or null when it is not a path. */
function imagePath(abs: string): string | null {
  const n = normalizePath(abs.replace(/^\/+/, ''));
  return n.ok && n.path !== '' ? mergedUsr(n.path) : null;
}

/** What `abs` finally names in the image, following symlinks (as stat would), or undefined. */
export function resolveInImage(image: ImagePaths, abs: string): ImagePathEntry | undefined {
  let pending = abs.split('/');
  let at: string[] = [];
  for (let hops = 0; pending.length > 0;) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      at.pop();
      continue;
    }
    const here = [...at, part].join('/');
    const entry = image.get(here);
    if (entry?.type !== 'symlink') {
      // A component no layer lists is taken as a directory: only the final path must exist.
      at.push(part);
      continue;
    }
    if (++hops > 40) return undefined; // ELOOP
    pending = [...entry.linkname.split('/'), ...pending];
    if (entry.linkname.startsWith('/')) at = [];
  }
  return at.length === 0 ? { type: 'directory', linkname: '' } : image.get(at.join('/'));
}

const isFile = (e: ImagePathEntry | undefined) => e?.type === 'file' || e?.type === 'hardlink';

interface Choice extends AlternativeInstall {
  readonly package: string;
}

/** dpkg's admindir record of one alternative (`alternative_save` in update-alternatives.c). */
export function admindirRecord(link: string, slaves: ReadonlyMap<string, string>, choices: readonly AlternativeInstall[]): string {
  const names = [...slaves.keys()].sort(byBytes);
  const lines = ['auto', link];
  for (const s of names) lines.push(s, slaves.get(s) as string);
  lines.push('');
  for (const c of [...choices].sort((a, b) => byBytes(a.path, b.path))) {
    lines.push(c.path, String(c.priority));
    for (const s of names) lines.push(c.slaves.find((l) => l.name === s)?.path ?? '');
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

/** The entries of the alternatives the packages install, given what their layers hold. */
export function alternativesEntries(packages: readonly AlternativesPackage[], image: ImagePaths): AlternativesResult {
  const diagnostics: ImageDiagnostic[] = [];
  const warn = (deb: string, member: string | null, message: string) => diagnostics.push({ ...imageDiagnostic('image/alternative-skipped', deb, member, message), severity: 'warning' });
  const byName = new Map<string, Map<string, Choice>>();
  const masterLink = new Map<string, string>();
  for (const p of [...packages].sort((a, b) => byBytes(a.name, b.name))) {
    if (p.postinst === undefined) continue;
    const { installs, skipped } = extractAlternatives(p.postinst);
    for (const s of skipped) warn(p.fileName, 'postinst', `line ${s.line}: \`${s.text}\` not applied: ${s.reason}`);
    for (const i of installs) {
      if (!isFile(resolveInImage(image, i.path))) {
        warn(p.fileName, 'postinst', `alternative \`${i.name}\`: \`${i.path}\` is not a file in the image; the choice is left out (dpkg would refuse it)`);
        continue;
      }
      const link = masterLink.get(i.name);
      if (link !== undefined && link !== i.link) {
        warn(p.fileName, 'postinst', `alternative \`${i.name}\` has link \`${link}\`; \`${i.link}\` is left out (dpkg would refuse it)`);
        continue;
      }
      masterLink.set(i.name, i.link);
      const choices = byName.get(i.name) ?? new Map<string, Choice>();
      choices.set(i.path, { ...i, package: p.name }); // a second call for the same path updates it, as in dpkg
      byName.set(i.name, choices);
    }
  }

  const out = new Map<string, RootfsEntry>();
  const chosen: ChosenAlternative[] = [];
  const claimed = new Set<string>();
  /** `LINK -> /etc/alternatives/NAME` unless a package ships something else there. */
  const placeLink = (name: string, link: string, target: string, deb: string): void => {
    const at = imagePath(link);
    if (at === null || claimed.has(at)) {
      warn(deb, 'postinst', `alternative \`${name}\`: link \`${link}\` is not a usable path or is another alternative's link; left out`);
      return;
    }
    const through = ancestors(at).find((a) => image.get(a)?.type !== undefined && image.get(a)?.type !== 'directory');
    const there = image.get(at);
    if (through !== undefined || (there !== undefined && there.type !== 'symlink')) {
      warn(deb, 'postinst', `alternative \`${name}\`: \`${link}\` is ${through !== undefined ? `under \`/${through}\`, which is not a directory` : `a ${there?.type} in the image`}; not replaced`);
      return;
    }
    claimed.add(at);
    out.set(at, symlink(at, target));
  };
  for (const name of [...byName.keys()].sort(byBytes)) {
    const choices = [...(byName.get(name) as Map<string, Choice>).values()];
    const best = [...choices].sort((a, b) => b.priority - a.priority || byBytes(a.path, b.path))[0] as Choice;
    const deb = packages.find((p) => p.name === best.package)?.fileName ?? best.package;
    // A slave name means one link for every choice; the first choice (in path order) to name it gives it.
    const slaves = new Map<string, string>();
    for (const c of [...choices].sort((a, b) => byBytes(a.path, b.path))) for (const s of c.slaves) if (!slaves.has(s.name) && !byName.has(s.name)) slaves.set(s.name, s.link);
    chosen.push({ name, path: best.path, priority: best.priority, package: best.package });
    out.set(`${ALTERNATIVES_DIR}/${name}`, symlink(`${ALTERNATIVES_DIR}/${name}`, best.path));
    placeLink(name, best.link, `/${ALTERNATIVES_DIR}/${name}`, deb);
    for (const [slave, link] of slaves) {
      const provided = best.slaves.find((s) => s.name === slave);
      // dpkg skips a slave whose file the chosen alternative lacks (a man page left out, say).
      if (provided === undefined || resolveInImage(image, provided.path) === undefined) continue;
      out.set(`${ALTERNATIVES_DIR}/${slave}`, symlink(`${ALTERNATIVES_DIR}/${slave}`, provided.path));
      placeLink(slave, link, `/${ALTERNATIVES_DIR}/${slave}`, deb);
    }
    const record = admindirRecord(best.link, slaves, choices);
    out.set(`${ALTERNATIVES_ADMINDIR}/${name}`, { path: `${ALTERNATIVES_ADMINDIR}/${name}`, type: 'file', mode: 0o644, uid: 0, gid: 0, content: enc.encode(record) });
  }
  const entries = [...out.values()].sort((a, b) => byBytes(a.path, b.path));
  return { entries, chosen, diagnostics };
}
