#!/usr/bin/env node
/**
 * Downloads a suite's `InRelease` and one component's `Packages.xz` into a directory, for
 * testdata/debian/<suite>/ or a `tessera catalog import`:
 *
 *   node scripts/fetch-debian-suite.mjs <suite> <out-dir> [--base URL] [--component main] [--arch amd64]
 *
 * The mirror is never written in this repository: without --base, the base URL is the `URIs:` of
 * the host's apt source (/etc/apt/sources.list.d/*.sources, deb822) that lists the suite. Nothing
 * is checked here; `tessera catalog import` verifies the signature and the index's hash.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const base = option('--base', undefined);
const component = option('--component', 'main');
const arch = option('--arch', 'amd64');
const [suite, outDir] = args;
if (suite === undefined || outDir === undefined) {
  console.error('usage: node scripts/fetch-debian-suite.mjs <suite> <out-dir> [--base URL] [--component main] [--arch amd64]');
  process.exit(2);
}

/** The first `URIs:` of a deb822 stanza whose `Suites:` include `suite`. */
async function hostBaseFor(suite) {
  const dir = '/etc/apt/sources.list.d';
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.sources')).sort();
  for (const file of files) {
    for (const stanza of (await readFile(join(dir, file), 'utf8')).split(/\n\s*\n/)) {
      const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (field('Suites').includes(suite) && field('URIs').length > 0) return field('URIs')[0];
    }
  }
  return undefined;
}

const root = base ?? (await hostBaseFor(suite));
if (root === undefined) {
  console.error(`no apt source on this host lists ${suite}; give --base URL`);
  process.exit(1);
}
await mkdir(outDir, { recursive: true });
const wanted = [
  ['InRelease', 'InRelease'],
  [`${component}/binary-${arch}/Packages.xz`, `${component}-binary-${arch}-Packages.xz`],
];
for (const [path, name] of wanted) {
  const url = `${root.replace(/\/$/, '')}/dists/${suite}/${path}`;
  const response = await globalThis.fetch(url);
  if (!response.ok) {
    console.error(`${url}: HTTP ${response.status}`);
    process.exit(1);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  await writeFile(join(outDir, name), bytes);
  console.log(`${join(outDir, name)}: ${bytes.length} bytes`);
}
