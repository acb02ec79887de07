/**
 * A suite's `InRelease` (or `Release`) file: the suite's fields and the list of index files with
 * their sizes and SHA-256 hashes. InRelease is an OpenPGP clear-signed message (RFC 4880 §7): the
 * signed text sits between the armor header block and the signature, with lines that began with
 * `-` escaped as `- -`. This module only reads the text; the signature is checked by the archive
 * adapter (gpgv, as apt does) before anything here is trusted.
 */

export interface ReleaseEntry {
  readonly sha256: string;
  readonly size: number;
}

export interface Release {
  readonly origin: string;
  /** `Debian-Security` for the security archive (`Debian` for the main one). */
  readonly label: string;
  readonly suite: string;
  readonly codename: string;
  readonly version: string;
  readonly date: string;
  readonly validUntil: string | null;
  readonly architectures: readonly string[];
  readonly components: readonly string[];
  /** Index files by path relative to the suite (`main/binary-amd64/Packages.xz`). */
  readonly files: ReadonlyMap<string, ReleaseEntry>;
}

export type ReleaseResult = { readonly ok: true; readonly release: Release; readonly signed: boolean } | { readonly ok: false; readonly message: string };

const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE = '-----BEGIN PGP SIGNATURE-----';

/** The signed text of a clear-signed message, or the text itself when it is not signed. */
function signedText(text: string): { body: string; signed: boolean } | string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[0]?.trim() !== BEGIN) return { body: text, signed: false };
  let i = 1;
  while (i < lines.length && lines[i] !== '') i++; // armor headers (`Hash: SHA256`)
  const end = lines.indexOf(SIGNATURE, i);
  if (end < 0) return 'the clear-signed message has no signature block';
  const body = lines.slice(i + 1, end).map((l) => (l.startsWith('- ') ? l.slice(2) : l));
  return { body: body.join('\n'), signed: true };
}

/**
 * True for a security-update suite, from what the signed release says (Label `Debian-Security`,
 * or a Suite ending in `-security`), never from the file's name or a label the user gave.
 */
export function isSecuritySuite(release: Pick<Release, 'label' | 'suite'>): boolean {
  return release.label === 'Debian-Security' || /-security$/.test(release.suite);
}

export function parseRelease(text: string): ReleaseResult {
  const signed = signedText(text);
  if (typeof signed === 'string') return { ok: false, message: signed };
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of signed.body.split('\n')) {
    if (line === '') continue;
    if (line.startsWith(' ')) {
      if (current === null) return { ok: false, message: 'a continuation line before any field' };
      fields.set(current, `${fields.get(current) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, message: `\`${line.slice(0, 60)}\` is not a field` };
    current = line.slice(0, colon).toLowerCase();
    fields.set(current, line.slice(colon + 1).trim());
  }
  const files = new Map<string, ReleaseEntry>();
  for (const entry of (fields.get('sha256') ?? '').split('\n')) {
    if (entry.trim() === '') continue;
    const m = /^([0-9a-f]{64})\s+(\d+)\s+(\S+)$/.exec(entry.trim());
    if (m === null) return { ok: false, message: `\`${entry.trim().slice(0, 80)}\` is not a SHA256 entry (hash size path)` };
    files.set(m[3] as string, { sha256: m[1] as string, size: Number(m[2]) });
  }
  if (files.size === 0) return { ok: false, message: 'the release lists no SHA256 hashes, so no index can be checked against it' };
  const list = (f: string) => (fields.get(f) ?? '').split(/\s+/).filter((x) => x !== '');
  return {
    ok: true,
    signed: signed.signed,
    release: {
      origin: fields.get('origin') ?? '', label: fields.get('label') ?? '', suite: fields.get('suite') ?? '', codename: fields.get('codename') ?? '', version: fields.get('version') ?? '',
      date: fields.get('date') ?? '', validUntil: fields.get('valid-until') ?? null, architectures: list('architectures'), components: list('components'), files,
    },
  };
}
