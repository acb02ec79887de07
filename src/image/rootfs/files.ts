/**
 * What maintainer scripts would have done, done declaratively (as distroless and apko do): the
 * top layer of an image. It holds
 * - `/etc/passwd` and `/etc/group` with root (0) and nonroot (65532, home `/home/nonroot`);
 * - `/var/lib/dpkg/status.d/<package>`: the package's control stanza verbatim with
 *   `Status: install ok installed` after `Package:` (dpkg's status order), and
 *   `/var/lib/dpkg/status.d/<package>.md5sums`, so Trivy, Grype and Syft find every package;
 * - `/tmp` with mode 1777;
 * - with ca-certificates, what `update-ca-certificates` makes of its default configuration (every
 *   certificate enabled): the bundle `/etc/ssl/certs/ca-certificates.crt` (certificates in byte
 *   order of their paths, each ending in a newline), as distroless ships it. Not the `<name>.pem`
 *   link per certificate that the tool also makes (143 symlinks, 72 KB of tar headers, on
 *   bookworm): without the `openssl rehash` hash links no library looks certificates up by those
 *   names, and the bundle is the file OpenSSL, GnuTLS and Go read by default.
 *   `caLinks: true` adds them;
 * - with tzdata, `/etc/localtime` → `/usr/share/zoneinfo/Etc/UTC` and `/etc/timezone` (tzdata's
 *   default);
 * - the alternatives the packages' postinst scripts install (`alternatives.ts`, computed by the
 *   caller from what the package layers hold);
 * - the caller's files (configuration profiles, ...), which take precedence over the above.
 * `/etc/os-release` comes from base-files (a link to `../usr/lib/os-release`), not from here.
 * Building the entries is pure; `writeFilesLayer` writes them as a deterministic tar.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { DebControl } from '../deb/control.js';
import { imageDiagnostic, type ImageDiagnostic } from '../diagnostics.js';
import { ancestors, mergedUsr, normalizePath } from '../layer/paths.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../layer/tar-writer.js';

/** A file the plan adds to the image; `path` absolute or relative to the root. */
export interface DeclaredFile {
  readonly path: string;
  readonly content: string | Uint8Array;
  /** Permission bits (0o644 for configuration). */
  readonly mode: number;
  /** Default 0 (root). */
  readonly uid?: number;
  readonly gid?: number;
}

export interface RootfsEntry {
  /** Normalized, merged-/usr, no leading or trailing `/`. */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly content: Uint8Array;
  /** Symlinks: the target; '' otherwise. */
  readonly linkname?: string;
}

/** A certificate of the ca-certificates package; `path` relative to /usr/share/ca-certificates. */
export interface CaCertificate {
  readonly path: string;
  readonly content: Uint8Array;
}

export const CA_CERTIFICATES_DIR = 'usr/share/ca-certificates';
export const CA_BUNDLE = 'etc/ssl/certs/ca-certificates.crt';

export const NONROOT_ID = 65532;
/** The name diagnostics about declared files carry in place of a .deb's. */
export const DECLARED_FILES = '(declared files)';

const enc = new TextEncoder();
const file = (path: string, text: string, mode = 0o644): RootfsEntry => ({ path, type: 'file', mode, uid: 0, gid: 0, content: enc.encode(text) });
const dir = (path: string, mode = 0o755, id = 0): RootfsEntry => ({ path, type: 'directory', mode, uid: id, gid: id, content: new Uint8Array(0) });
const link = (path: string, linkname: string): RootfsEntry => ({ path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, content: new Uint8Array(0), linkname });
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The bundle (and, with `links`, the links) `update-ca-certificates` writes when every certificate is enabled. */
export function caEntries(certs: readonly CaCertificate[], links = false): RootfsEntry[] {
  const sorted = [...certs].sort((a, b) => byBytes(a.path, b.path));
  const parts: Uint8Array[] = [];
  const out: RootfsEntry[] = [];
  for (const c of sorted) {
    parts.push(c.content);
    // update-ca-certificates adds a newline to a certificate that lacks one (Debian #635570).
    if (c.content.length > 0 && c.content[c.content.length - 1] !== 0x0a) parts.push(enc.encode('\n'));
    const name = (c.path.split('/').pop() as string).replace(/\.crt$/, '').replace(/ /g, '_').replace(/[()]/g, '=').replace(/,/g, '_');
    if (links) out.push(link(`etc/ssl/certs/${name}.pem`, `/${CA_CERTIFICATES_DIR}/${c.path}`));
  }
  out.push({ path: CA_BUNDLE, type: 'file', mode: 0o644, uid: 0, gid: 0, content: Buffer.concat(parts) });
  return out;
}

export const PASSWD = `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_ID}:${NONROOT_ID}:nonroot:/home/nonroot:/sbin/nologin\n`;
export const GROUP = `root:x:0:\nnonroot:x:${NONROOT_ID}:\n`;

/** The status.d stanza of a package: its control text with `Status: install ok installed` after `Package:`. */
export function statusStanza(control: DebControl): string {
  const lines = control.text.replace(/\n+$/, '').split('\n');
  const at = lines.findIndex((l) => /^Package:/i.test(l));
  lines.splice(at + 1, 0, 'Status: install ok installed');
  return `${lines.join('\n')}\n`;
}

/** `<md5>  <path>` lines as dpkg keeps them in its database, in the package's order. */
export function md5sumsText(control: DebControl): string {
  return [...control.md5sums].map(([path, md5]) => `${md5}  ${path}\n`).join('');
}

export interface DeclarativeInput {
  /** Every package of the image (their names must differ). */
  readonly packages: readonly DebControl[];
  readonly files?: readonly DeclaredFile[];
  /** The certificates of ca-certificates when the image holds it. */
  readonly caCertificates?: readonly CaCertificate[];
  /** Also the per-certificate `<name>.pem` links (default: the bundle only). */
  readonly caLinks?: boolean;
  /** The alternatives' links and admindir records (`alternativesEntries`). */
  readonly alternatives?: readonly RootfsEntry[];
}

/** The top layer's entries in path order, or why not (a bad declared file). */
export function declarativeEntries(input: DeclarativeInput): { entries: RootfsEntry[]; diagnostics: ImageDiagnostic[] } {
  const out = new Map<string, RootfsEntry>();
  const put = (e: RootfsEntry) => out.set(e.path, e);
  put(file('etc/passwd', PASSWD));
  put(file('etc/group', GROUP));
  put(dir('home/nonroot', 0o700, NONROOT_ID));
  put(dir('tmp', 0o1777));
  put(dir('var/lib/dpkg/status.d'));
  for (const c of input.packages) {
    const name = c.package.name;
    put(file(`var/lib/dpkg/status.d/${name}`, statusStanza(c)));
    if (c.md5sums.size > 0) put(file(`var/lib/dpkg/status.d/${name}.md5sums`, md5sumsText(c)));
    if (name === 'tzdata') {
      put(link('etc/localtime', '/usr/share/zoneinfo/Etc/UTC'));
      put(file('etc/timezone', 'Etc/UTC\n'));
    }
  }
  if (input.caCertificates !== undefined) for (const e of caEntries(input.caCertificates, input.caLinks === true)) put(e);
  for (const e of input.alternatives ?? []) put(e);
  const diagnostics: ImageDiagnostic[] = [];
  for (const f of input.files ?? []) {
    const fail = (message: string) => diagnostics.push(imageDiagnostic('image/bad-file', DECLARED_FILES, f.path, message));
    const n = normalizePath(f.path.replace(/^\/+/, ''));
    if (!n.ok) {
      fail(n.message);
      continue;
    }
    if (n.path === '') {
      fail('a declared file cannot be the root');
      continue;
    }
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) {
      fail(`mode ${f.mode} is not permission bits (0 to 0o7777)`);
      continue;
    }
    const uid = f.uid ?? 0;
    const gid = f.gid ?? 0;
    if (![uid, gid].every((id) => Number.isSafeInteger(id) && id >= 0 && id < 2 ** 32)) {
      fail(`owner ${uid}:${gid} is not a pair of ids`);
      continue;
    }
    const path = mergedUsr(n.path);
    if (out.get(path)?.type === 'directory') {
      fail(`\`${path}\` is a directory in the image`);
      continue;
    }
    const under = ancestors(path).find((a) => out.get(a) !== undefined && out.get(a)?.type !== 'directory');
    if (under !== undefined) {
      fail(`\`${path}\` would lie under \`${under}\`, which is not a directory`);
      continue;
    }
    put({ path, type: 'file', mode: f.mode, uid, gid, content: typeof f.content === 'string' ? enc.encode(f.content) : f.content });
  }
  // Every ancestor is declared, so the layer does not depend on how a runtime creates missing ones.
  for (const e of [...out.values()]) for (const a of ancestors(e.path)) if (!out.has(a)) put(dir(a));
  const entries = [...out.values()].sort((a, b) => byBytes(a.path, b.path));
  return { entries, diagnostics };
}

/** The tar bytes of `entries` (in the order given), every mtime `sourceDateEpoch`. */
export function filesLayerTar(entries: readonly RootfsEntry[], sourceDateEpoch: number): Buffer {
  const parts: Uint8Array[] = [];
  const name = (id: number) => (id === 0 ? 'root' : id === NONROOT_ID ? 'nonroot' : '');
  for (const e of entries) {
    const size = e.type === 'file' ? e.content.length : 0;
    parts.push(encodeHeader({
      path: e.type === 'directory' ? `${e.path}/` : e.path, type: e.type, mode: e.mode,
      uid: e.uid, gid: e.gid, uname: name(e.uid), gname: name(e.gid), size, mtime: sourceDateEpoch, linkname: e.linkname ?? '',
    }));
    if (size > 0) parts.push(e.content, padding(size));
  }
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

/** Writes the layer tar to `target` (which must not exist); returns its digest, size and entry count. */
export async function writeFilesLayer(entries: readonly RootfsEntry[], target: string, sourceDateEpoch: number): Promise<{ digest: string; size: number; entries: number }> {
  const bytes = filesLayerTar(entries, sourceDateEpoch);
  await writeFile(target, bytes, { flag: 'wx' });
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, entries: entries.length };
}
