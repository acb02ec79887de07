import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aptSourceUris, findInDirectory } from './sources.js';

describe('package sources', () => {
  it('reads mirrors for a suite from deb822 .sources and one-line sources.list, skipping disabled and deb-src entries', () => {
    const files = [
      { name: '/etc/apt/sources.list.d/debian.sources', text: 'Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\nEnabled: no\nURIs: http://off.example/debian\nSuites: bookworm\n' },
      { name: '/etc/apt/sources.list', text: '# comment\ndeb-src http://src.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://line.example/debian bookworm main\ndeb http://other.example/debian trixie main\n' },
    ];
    expect(aptSourceUris(files, 'bookworm')).toEqual(['http://mirror.example/debian', 'http://line.example/debian']);
    expect(aptSourceUris(files, 'bookworm-security')).toEqual(['http://security.example/debian-security']);
    expect(aptSourceUris(files, 'sid')).toEqual([]);
  });

  it('finds a package in a directory by its pool name or apt\'s cache name (epoch as %3a)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-src-'));
    try {
      await writeFile(join(dir, 'dash_0.5.12-2_amd64.deb'), '');
      await writeFile(join(dir, 'libcrypt1_1%3a4.4.33-2_amd64.deb'), '');
      expect(findInDirectory(dir, { filename: 'pool/main/d/dash/dash_0.5.12-2_amd64.deb', name: 'dash', version: '0.5.12-2', architecture: 'amd64' })).toBe(join(dir, 'dash_0.5.12-2_amd64.deb'));
      expect(findInDirectory(dir, { filename: 'pool/main/libx/libxcrypt/libcrypt1_4.4.33-2_amd64.deb', name: 'libcrypt1', version: '1:4.4.33-2', architecture: 'amd64' })).toBe(join(dir, 'libcrypt1_1%3a4.4.33-2_amd64.deb'));
      expect(findInDirectory(dir, { filename: 'pool/main/b/bash/bash_5.2.15-2+b7_amd64.deb', name: 'bash', version: '5.2.15-2+b7', architecture: 'amd64' })).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
