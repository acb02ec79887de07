/**
 * The repository root, found from this file whether it runs as TypeScript (`bench/lib/`) or
 * compiled (`bench-dist/bench/lib/`): the nearest directory up with the project's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tessera') return dir;
    if (dirname(dir) === dir) throw new Error(`no tessera package.json above ${from}`);
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
