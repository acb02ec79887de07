/**
 * Where .deb files come from: a local directory (a folder of .debs, or apt's own cache), or an
 * HTTP mirror whose base URL comes from configuration or from the host's apt sources — never a
 * host name written in this repository. Every source is asked for a package by its pool
 * filename; whatever it returns is checked against the plan's SHA-256 by the fetcher.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type DebSource = { readonly kind: 'directory'; readonly dir: string } | { readonly kind: 'mirror'; readonly url: string };

/** apt's own download cache: .debs named `<name>_<version with %3a for :>_<arch>.deb`. */
export const APT_ARCHIVES = '/var/cache/apt/archives';

/** The file a directory source has for a pool filename, in pool naming or apt's cache naming. */
export function findInDirectory(dir: string, pool: { filename: string; name: string; version: string; architecture: string }): string | undefined {
  for (const name of [basename(pool.filename), `${pool.name}_${pool.version.replace(':', '%3a')}_${pool.architecture}.deb`]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** URIs of `deb` entries for `suite` in apt's deb822 `.sources` files and one-line `sources.list`. */
export function aptSourceUris(files: readonly { readonly name: string; readonly text: string }[], suite: string): string[] {
  const uris: string[] = [];
  for (const { name, text } of files) {
    if (name.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (key: string) => new RegExp(`^${key}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
        if (/^enabled:\s*no\b/mi.test(stanza)) continue;
        if (field('Types').includes('deb') && field('Suites').includes(suite)) uris.push(...field('URIs'));
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m !== null && m[2] === suite) uris.push(m[1] as string);
      }
    }
  }
  return uris.map((u) => u.replace(/\/+$/, ''));
}

/** The host's mirror for `suite` (its first `deb` URI), or undefined when apt has none. */
export function hostMirror(suite = 'bookworm', etc = '/etc/apt'): string | undefined {
  const files: { name: string; text: string }[] = [];
  const read = (path: string) => {
    try {
      files.push({ name: path, text: readFileSync(path, 'utf8') });
    } catch {
      // absent or unreadable: apt would skip it too
    }
  };
  read(join(etc, 'sources.list'));
  try {
    for (const f of readdirSync(join(etc, 'sources.list.d')).sort()) if (f.endsWith('.list') || f.endsWith('.sources')) read(join(etc, 'sources.list.d', f));
  } catch {
    // no sources.list.d
  }
  return aptSourceUris(files, suite)[0];
}
