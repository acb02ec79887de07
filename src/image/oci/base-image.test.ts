/**
 * The pure checks of a base layout's documents: which packages a dpkg status text says are
 * installed (against `dpkg-query` on this host's own database, the oracle), and which index entry
 * is the image (referrers and other tags never chosen by accident).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/support/tools.js';
import { chooseFromIndex, installedPackages } from './base-image.js';

const PLATFORM = { architecture: 'amd64', os: 'linux' };
const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const manifest = (n: number, extra: Record<string, unknown> = {}) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d(n), size: 10, ...extra });
const tag = (t: string) => ({ annotations: { 'org.opencontainers.image.ref.name': t } });

describe('a base image\'s dpkg status', () => {
  it('lists the packages dpkg-query says are installed', () => {
    if (!hasTool('dpkg-query') || !existsSync('/var/lib/dpkg/status')) return;
    const oracle = spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Version} ${Architecture}\\n'], { encoding: 'utf8' }).stdout
      .split('\n').filter((l) => l.startsWith('installed ')).map((l) => l.slice('installed '.length)).sort();
    const ours = installedPackages(readFileSync('/var/lib/dpkg/status', 'utf8')).map((p) => `${p.name} ${p.version} ${p.architecture}`).sort();
    expect(ours).toEqual(oracle);
    console.log(`${ours.length} installed packages, as dpkg-query lists them`);
  });
});

describe('choosing the image of an index', () => {
  it('takes the tagged image over untagged referrers and the entry the tag names', () => {
    const index = { schemaVersion: 2, manifests: [manifest(1, tag('latest')), manifest(2, { artifactType: 'application/spdx+json' }), manifest(3)] };
    expect(chooseFromIndex(index, undefined, PLATFORM)).toEqual({ ok: true, value: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d(1), size: 10 } });
    expect(chooseFromIndex(index, 'latest', PLATFORM).ok).toBe(true);
    expect(chooseFromIndex(index, 'v2', PLATFORM)).toEqual({ ok: false, message: 'no image manifests tagged `v2`; tags: latest' });
  });

  it('chooses by platform among untagged entries, and refuses to guess otherwise', () => {
    const byPlatform = { schemaVersion: 2, manifests: [manifest(1, { platform: { architecture: 'arm64', os: 'linux' } }), manifest(2, { platform: PLATFORM })] };
    expect(chooseFromIndex(byPlatform, undefined, PLATFORM)).toMatchObject({ ok: true, value: { digest: d(2) } });
    const two = { schemaVersion: 2, manifests: [manifest(1, tag('a')), manifest(2, tag('b'))] };
    expect(chooseFromIndex(two, undefined, PLATFORM)).toEqual({ ok: false, message: '`index.json` lists 2 image manifests (tags: a, b); choose one with its tag' });
    expect(chooseFromIndex({ schemaVersion: 2, manifests: [] }, undefined, PLATFORM)).toEqual({ ok: false, message: '`index.json` lists no image manifest' });
    expect(chooseFromIndex({ manifests: [] }, undefined, PLATFORM).ok).toBe(false);
  });
});
