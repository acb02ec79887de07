/** The starter fragment catalog as approved versions, for synthesis tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash, type FragmentContent, type FragmentStatus, type FragmentVersion } from '../../src/fragments/index.js';

const DIR = join(import.meta.dirname, '..', '..', 'catalog', 'fragments');

export function catalogContents(): FragmentContent[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as FragmentContent);
}

export function asVersion(content: FragmentContent, status: FragmentStatus = 'approved', version = 1): FragmentVersion {
  return {
    id: content.id, version, hash: contentHash(content), status, content, createdAt: '2026-11-23T00:00:00Z', createdBy: 'test', history: [],
    actions: [...new Set(content.statements.flatMap((s) => [s.Action ?? []].flat() as string[]).map((a) => a.toLowerCase()))],
  };
}

export function catalogVersions(): Map<string, FragmentVersion> {
  return new Map(catalogContents().map((c) => [c.id, asVersion(c)]));
}
