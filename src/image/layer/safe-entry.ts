/**
 * Which data.tar entries may go into a layer, and in what form (pure). One checker sees every
 * entry of every .deb of the layer in order and keeps what it needs to judge the next one: the
 * kind of each path already placed (duplicates, writing through a symlink or under a file) and the
 * regular files of the current package (hardlink sources). A refusal is a diagnostic, never thrown.
 */
import { imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import type { TarHeader } from '../deb/tar-reader.js';
import { ancestors, mergedUsr, normalizePath, symlinkStaysInside } from './paths.js';

export type LayerEntryType = 'file' | 'directory' | 'symlink' | 'hardlink';

export interface LayerEntry {
  /** Normalized, merged-/usr path without a leading `./` or trailing `/`. */
  readonly path: string;
  readonly type: LayerEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly size: number;
  /** Symlinks: the target verbatim. Hardlinks: the normalized path of the file linked to. */
  readonly linkname: string;
}

export interface SafetyOptions {
  /** Largest regular file accepted, in bytes. */
  readonly maxMemberSize: number;
  /** Map `bin/`, `sbin/`, `lib32/` and the other `lib` directories into `usr/` (Debian 12). Default true. */
  readonly mergedUsr?: boolean;
}

/** `entry` null: nothing to add (the root itself, or a directory or symlink already placed identically). */
export type CheckResult = { readonly ok: true; readonly entry: LayerEntry | null } | { readonly ok: false; readonly diagnostic: ImageDiagnostic };

export class EntryChecker {
  private readonly placed = new Map<string, { type: LayerEntryType; linkname: string }>();
  /** Every ancestor of a placed path: a directory, whether or not an entry declared it. */
  private readonly implied = new Set<string>();
  private filesOfDeb = new Set<string>();
  private deb = '';

  constructor(private readonly options: SafetyOptions) {}

  /** Hardlinks may only name files of the package they come from. */
  startDeb(fileName: string): void {
    this.deb = fileName;
    this.filesOfDeb = new Set();
  }

  private map(path: string): string {
    return this.options.mergedUsr === false ? path : mergedUsr(path);
  }

  check(h: TarHeader): CheckResult {
    const fail = (code: Parameters<typeof imageDiagnostic>[0], message: string): CheckResult => ({ ok: false, diagnostic: imageDiagnostic(code, this.deb, h.path, message) });
    const n = normalizePath(h.path);
    if (!n.ok) return fail(n.code, n.message);
    if (h.type === 'char' || h.type === 'block') return fail('image/device-node', `\`${h.path}\` is a ${h.type} device`);
    if (h.type === 'fifo') return fail('image/fifo', `\`${h.path}\` is a FIFO`);
    if (n.path === '') return h.type === 'directory' ? { ok: true, entry: null } : fail('image/duplicate-path', 'a non-directory entry for the root itself');
    if (h.size > this.options.maxMemberSize) return fail('image/oversized-member', `\`${h.path}\` is ${h.size} bytes; the limit is ${this.options.maxMemberSize}`);
    const path = this.map(n.path);
    for (const a of ancestors(path)) {
      const kind = this.placed.get(a)?.type;
      if (kind === 'symlink') return fail('image/through-symlink', `\`${h.path}\` would be written through the symlink \`${a}\``);
      if (kind !== undefined && kind !== 'directory') return fail('image/duplicate-path', `\`${h.path}\` lies under \`${a}\`, which is a ${kind}`);
    }
    let linkname = '';
    if (h.type === 'symlink') {
      if (h.linkname.includes('\0')) return fail('image/nul-in-path', `the target of \`${h.path}\` contains a NUL byte`);
      if (h.linkname === '') return fail('image/symlink-escape', `\`${h.path}\` has an empty target`);
      // Checked from both places the link could be read: as written and after the /usr mapping.
      if (!symlinkStaysInside(n.path, h.linkname) || !symlinkStaysInside(path, h.linkname)) {
        // Remembered anyway, so that entries written through it are reported too.
        if (!this.placed.has(path)) this.placed.set(path, { type: 'symlink', linkname: h.linkname });
        return fail('image/symlink-escape', `\`${h.path}\` → \`${h.linkname}\` points outside the image root`);
      }
      linkname = h.linkname;
    } else if (h.type === 'hardlink') {
      const t = normalizePath(h.linkname);
      if (!t.ok) return fail(t.code === 'image/nul-in-path' ? t.code : 'image/hardlink-target', `hardlink \`${h.path}\`: ${t.message}`);
      linkname = this.map(t.path);
      if (!this.filesOfDeb.has(linkname)) return fail('image/hardlink-target', `hardlink \`${h.path}\` → \`${h.linkname}\` names no regular file earlier in this package`);
    }
    // In path order a link at `a` would come before `a/file`, and `a/file` would be written
    // through it; so nothing but a directory may take a path that already holds entries.
    if (h.type !== 'directory' && this.implied.has(path) && !this.placed.has(path)) {
      return fail('image/duplicate-path', `\`${path}\` already holds entries, so it must be a directory, not a ${h.type}`);
    }
    const before = this.placed.get(path);
    if (before !== undefined) {
      const same = before.type === h.type && (h.type === 'directory' || (h.type === 'symlink' && before.linkname === linkname));
      if (same) return { ok: true, entry: null };
      return fail('image/duplicate-path', `\`${path}\` is already a ${before.type}${before.linkname === '' ? '' : ` → \`${before.linkname}\``}; this entry is a ${h.type}`);
    }
    this.placed.set(path, { type: h.type, linkname });
    for (const a of ancestors(path)) this.implied.add(a);
    if (h.type === 'file') this.filesOfDeb.add(path);
    return {
      ok: true,
      entry: { path, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, uname: h.uname, gname: h.gname, size: h.type === 'file' ? h.size : 0, linkname },
    };
  }
}
