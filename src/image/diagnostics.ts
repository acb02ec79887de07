/**
 * Problems found in a .deb or while building a layer from it. Hostile or broken packages are user
 * input, so every rejection is data — a code, the .deb's file name and the member path — collected
 * and returned, never thrown. Operational failures (a file that cannot be opened) stay `Error`s.
 */

export type ImageDiagnosticCode =
  | 'image/bad-ar-magic'
  | 'image/bad-ar-header'
  | 'image/truncated-ar'
  | 'image/bad-debian-binary'
  | 'image/missing-control'
  | 'image/missing-data'
  | 'image/member-order'
  | 'image/unknown-member'
  | 'image/unsupported-compression'
  | 'image/decompress-failed'
  | 'image/bad-tar-header'
  | 'image/truncated-tar'
  | 'image/truncated-member'
  | 'image/unsupported-entry'
  | 'image/bad-control'
  | 'image/absolute-path'
  | 'image/path-traversal'
  | 'image/nul-in-path'
  | 'image/symlink-escape'
  | 'image/through-symlink'
  | 'image/hardlink-target'
  | 'image/device-node'
  | 'image/fifo'
  | 'image/oversized-member'
  | 'image/duplicate-path'
  | 'image/checksum-mismatch'
  | 'image/duplicate-package'
  | 'image/bad-file'
  | 'image/package-unavailable'
  | 'image/index-mismatch'
  | 'image/alternative-skipped'
  | 'image/bad-base';

export interface ImageDiagnostic {
  readonly code: ImageDiagnosticCode;
  /** `warning`: the image is built, without what the diagnostic names (an alternative left out, ...). */
  readonly severity: 'error' | 'warning';
  /** The .deb's file name (no directory), as the user knows it. */
  readonly deb: string;
  /** The ar member or data.tar path concerned, as written in the archive; null for the whole file. */
  readonly member: string | null;
  readonly message: string;
  readonly help: string;
}

const HELP: Record<ImageDiagnosticCode, string> = {
  'image/bad-ar-magic': 'a .deb starts with `!<arch>\\n`; the file is not a Debian package or is corrupt',
  'image/bad-ar-header': 'the ar member header is malformed; download the package again',
  'image/truncated-ar': 'the file ends inside an ar member; download the package again',
  'image/bad-debian-binary': 'only format 2.0 packages (`debian-binary` = `2.0\\n`) are accepted',
  'image/missing-control': 'a .deb must hold control.tar{,.gz,.xz,.zst} right after debian-binary',
  'image/missing-data': 'a .deb must hold data.tar{,.gz,.xz,.zst} right after the control archive',
  'image/member-order': 'dpkg requires debian-binary, control.tar.*, data.tar.* in that order',
  'image/unknown-member': 'only members dpkg knows (or `_`-prefixed ones, which are skipped) are accepted',
  'image/unsupported-compression': 'members may be uncompressed or use gzip, xz or zstd',
  'image/decompress-failed': 'the compressed member is corrupt; download the package again',
  'image/bad-tar-header': 'a tar header is malformed (checksum, number or magic); the archive is corrupt',
  'image/truncated-tar': 'the tar archive ends before its end-of-archive marker',
  'image/truncated-member': 'a member holds fewer bytes than its header declares',
  'image/unsupported-entry': 'only files, directories, symlinks and hardlinks can go into an image layer',
  'image/bad-control': 'the control archive must hold a `control` file with Package, Version and Architecture',
  'image/absolute-path': 'package members are relative to the root (`./usr/...`); absolute paths are refused',
  'image/path-traversal': 'a `..` component could leave the image root; the package is refused',
  'image/nul-in-path': 'a NUL byte in a path would be cut short by the kernel; the package is refused',
  'image/symlink-escape': 'a relative symlink target must stay inside the image root',
  'image/through-symlink': 'an entry whose parent is a symlink would be written outside where it is declared',
  'image/hardlink-target': 'a hardlink must name a regular file that appears earlier in the same package',
  'image/device-node': 'device nodes are created by the runtime, never shipped in a layer',
  'image/fifo': 'FIFOs are created at run time, never shipped in a layer',
  'image/oversized-member': 'the member is larger than the configured limit (`maxMemberSize`)',
  'image/duplicate-path': 'two entries claim the same path; only identical directories and symlinks may repeat',
  'image/checksum-mismatch': 'the content differs from the package\'s own md5sums; the package is corrupt or was altered',
  'image/duplicate-package': 'each package may appear once in an image (its status.d entry is keyed by name); drop the duplicate .deb',
  'image/bad-file': 'a declared file needs a relative or absolute path without `..` or NUL, a mode up to 0o7777, and must not take a path the builder writes as a directory',
  'image/package-unavailable': 'put the .deb in a --debs directory, or give --mirror (default: the host\'s apt sources); the plan names the exact version',
  'image/alternative-skipped': 'only literal `update-alternatives --install` calls whose files are in the image are applied; add the link as a declared file if the image needs it',
  'image/bad-base': '--base takes an OCI image layout (oci-layout, index.json, blobs/sha256) holding one linux/amd64 image, or the one its tag names; every blob must match its digest',
  'image/index-mismatch': 'the file is not the one the signed index lists (size or SHA-256 differ): a corrupt download, a stale mirror or a tampered file; nothing was built',
};

export function imageDiagnostic(code: ImageDiagnosticCode, deb: string, member: string | null, message: string): ImageDiagnostic {
  return { code, severity: 'error', deb, member, message, help: HELP[code] };
}

/**
 * Thrown inside the streaming readers when the input cannot be read further; caught at their
 * boundary (`readDeb`) and turned into a diagnostic, so callers only ever see data.
 */
export class DebFormatError extends Error {
  constructor(readonly code: ImageDiagnosticCode, readonly member: string | null, message: string) {
    super(message);
    this.name = 'DebFormatError';
  }
}
