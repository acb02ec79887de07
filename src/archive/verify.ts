/**
 * Checking an `InRelease` signature with gpgv against a keyring, as apt does (apt runs gpgv too):
 * only a good signature by a key in the keyring, not expired or revoked, makes the release
 * trusted. gpgv's machine-readable status lines (`--status-fd`) decide, not its messages.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ArchiveError } from './errors.js';

const run = promisify(execFile);

export interface Signature {
  /** Fingerprint of the signing key. */
  readonly fingerprint: string;
  /** The signer's user id, as the keyring has it. */
  readonly signer: string;
}

/**
 * Verifies a clear-signed file; throws an ArchiveError naming the file when it is not good.
 * Debian signs each release with several keys (the archive's automatic signing keys and the
 * release's own); every good signature is returned, in gpgv's order.
 */
export async function verifyClearsigned(file: string, keyring: string): Promise<Signature[]> {
  let status: string;
  try {
    // --status-fd 1: status lines on stdout. gpgv exits non-zero for anything but a good signature.
    const { stdout } = await run('gpgv', ['--status-fd', '1', '--keyring', keyring, file], { encoding: 'utf8', maxBuffer: 4 << 20 });
    status = stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new ArchiveError(`cannot check the signature of ${file}: gpgv is not installed (apt-get install gpgv)`);
    status = err.stdout ?? '';
    const reason = /\[GNUPG:\] BADSIG/.test(status) ? 'the signature does not match the content (the file was altered)'
      : /\[GNUPG:\] (NO_PUBKEY|ERRSIG)/.test(status) ? 'it is signed by a key that is not in the keyring'
      : /\[GNUPG:\] EXPKEYSIG/.test(status) ? 'the signing key has expired'
      : /\[GNUPG:\] REVKEYSIG/.test(status) ? 'the signing key was revoked'
      : /\[GNUPG:\] NODATA/.test(status) ? 'it carries no signature'
      : (err.stderr ?? '').trim().split('\n').at(-1) ?? 'gpgv refused it';
    throw new ArchiveError(`${file}: bad signature: ${reason} (keyring ${keyring})`);
  }
  // Each signature reports GOODSIG <keyid> <user id> then VALIDSIG <fingerprint> ...
  const signers = [...status.matchAll(/\[GNUPG:\] GOODSIG \S+ (.+)/g)].map((m) => (m[1] as string).trim());
  const fingerprints = [...status.matchAll(/\[GNUPG:\] VALIDSIG (\S+)/g)].map((m) => m[1] as string);
  if (fingerprints.length === 0 || fingerprints.length !== signers.length) throw new ArchiveError(`${file}: bad signature: gpgv did not report a valid signature (keyring ${keyring})`);
  return fingerprints.map((fingerprint, i) => ({ fingerprint, signer: signers[i] as string }));
}
