import { describe, expect, it } from 'vitest';
import { isSecuritySuite, parseRelease } from './release.js';

const HASH = '515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f';

describe('Release and InRelease text', () => {
  it('reads the signed body of a clear-signed release, undoing dash-escaping', () => {
    const text = ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', 'Origin: Debian', 'Codename: bookworm', 'Components: main contrib', '- Suite: oldstable', 'SHA256:', ` ${HASH} 50060337 main/binary-amd64/Packages`, '-----BEGIN PGP SIGNATURE-----', '', 'iQIz', '-----END PGP SIGNATURE-----', ''].join('\n');
    const r = parseRelease(text);
    expect(r.ok && r.signed).toBe(true);
    if (!r.ok) return;
    // `- Suite:` was dash-escaped by the signer (RFC 4880 lets it escape any line).
    expect(r.release).toMatchObject({ origin: 'Debian', codename: 'bookworm', suite: 'oldstable', components: ['main', 'contrib'] });
    expect(r.release.files.get('main/binary-amd64/Packages')).toEqual({ sha256: HASH, size: 50060337 });
  });

  it('says what is wrong with a broken release', () => {
    expect(parseRelease('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: x\n')).toEqual({ ok: false, message: 'the clear-signed message has no signature block' });
    expect(parseRelease('Origin: Debian\n')).toMatchObject({ ok: false, message: expect.stringMatching(/lists no SHA256 hashes/) });
    expect(parseRelease('Origin: Debian\nSHA256:\n abc 12 main/Packages\n')).toMatchObject({ ok: false, message: expect.stringMatching(/is not a SHA256 entry/) });
    expect(parseRelease(`SHA256:\n ${HASH} 1 main/Packages\n`)).toMatchObject({ ok: true, signed: false });
  });

  it('knows a security suite from its Label or Suite, not from a name given to it', () => {
    const release = (fields: string) => {
      const r = parseRelease(`${fields}\nSHA256:\n ${HASH} 1 main/binary-amd64/Packages\n`);
      if (!r.ok) throw new Error(r.message);
      return r.release;
    };
    expect(release('Origin: Debian\nLabel: Debian-Security\nSuite: oldstable-security\nCodename: bookworm-security')).toMatchObject({ label: 'Debian-Security' });
    expect(isSecuritySuite(release('Label: Debian-Security\nSuite: oldstable-security'))).toBe(true);
    expect(isSecuritySuite(release('Label: Debian\nSuite: stable-security'))).toBe(true);
    expect(isSecuritySuite(release('Label: Debian\nSuite: oldstable\nCodename: bookworm'))).toBe(false);
    expect(isSecuritySuite(release('Label: Debian\nSuite: oldstable-updates\nCodename: bookworm-updates'))).toBe(false);
  });
});
