/**
 * Path rules for layer entries (pure). Paths inside a .deb look like `./usr/bin/bash`; a layer
 * holds `usr/bin/bash`. Debian 12 is merged-/usr: `/bin`, `/sbin` and `/lib*` are symlinks into
 * `/usr`, so a package's `./bin/bash` is stored as `usr/bin/bash` and never written through a link.
 */
import type { ImageDiagnosticCode } from '../diagnostics.js';

/** Top-level directories that are symlinks into /usr on a merged-/usr system. */
export const MERGED_USR_DIRS: readonly string[] = ['bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin'];
const MERGED = new Set(MERGED_USR_DIRS);

export type PathResult = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly code: ImageDiagnosticCode; readonly message: string };

/**
 * `./usr/bin/` → `usr/bin`; '' is the root itself. Absolute paths, `..` and NUL are refused rather
 * than repaired: a package that needs them is either broken or hostile.
 */
export function normalizePath(raw: string): PathResult {
  if (raw.includes('\0')) return { ok: false, code: 'image/nul-in-path', message: `\`${JSON.stringify(raw)}\` contains a NUL byte` };
  if (raw.startsWith('/')) return { ok: false, code: 'image/absolute-path', message: `\`${raw}\` is an absolute path` };
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { ok: false, code: 'image/path-traversal', message: `\`${raw}\` has a \`..\` component` };
  return { ok: true, path: parts.join('/') };
}

/** Where a normalized path lives on a merged-/usr system: `bin/bash` → `usr/bin/bash`. */
export function mergedUsr(path: string): string {
  const top = path.split('/', 1)[0] as string;
  return MERGED.has(top) ? `usr/${path}` : path;
}

/**
 * Whether a relative symlink target, resolved from the link's directory, stays inside the root.
 * Absolute targets are resolved inside the image root (as in a chroot), so they cannot leave it.
 */
export function symlinkStaysInside(linkPath: string, target: string): boolean {
  if (target.startsWith('/')) return true;
  const stack = linkPath.split('/').slice(0, -1).filter((p) => p !== '');
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(part);
  }
  return true;
}

/** Every proper ancestor of `path`, shortest first: `a/b/c` → `a`, `a/b`. */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}
