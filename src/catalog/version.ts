/**
 * Debian package versions, `[epoch:]upstream_version[-debian_revision]`, compared exactly as
 * dpkg compares them (deb-version(7), dpkg's lib/dpkg/version.c semantics):
 *
 * - epochs compare as integers (absent = 0);
 * - upstream version, then revision, compare by alternating runs: a run of non-digits compared
 *   character by character where `~` sorts before everything (even the end of the string),
 *   then the end, then letters, then everything else in ASCII order; then a run of digits
 *   compared as a number (absent = 0);
 * - an absent revision equals `0`... in comparison (dpkg treats "" and "0" alike).
 *
 * Written by hand: it is the core of the resolver model, and `version.test.ts` checks it against
 * `dpkg --compare-versions` on thousands of pairs, including every version in bookworm's index.
 */

export interface DebianVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

export type VersionResult = { readonly ok: true; readonly version: DebianVersion } | { readonly ok: false; readonly message: string };

const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

/**
 * Parses a version with dpkg's rules for what it accepts: an epoch of digits, an upstream part
 * that starts with a digit and uses only `A-Za-z0-9.+~-:` (`-` only with a revision, `:` only
 * with an epoch), and a revision of `A-Za-z0-9.+~`.
 */
export function parseVersion(text: string): VersionResult {
  const s = text.trim();
  if (s === '') return { ok: false, message: 'the version is empty' };
  if (/\s/.test(s)) return { ok: false, message: `\`${s}\` contains whitespace` };
  const colon = s.indexOf(':');
  let epoch = 0;
  let rest = s;
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^[0-9]+$/.test(e)) return { ok: false, message: `the epoch \`${e}\` of \`${s}\` is not a number` };
    epoch = Number(e);
    if (!Number.isSafeInteger(epoch) || epoch > 2147483647) return { ok: false, message: `the epoch of \`${s}\` is too large` };
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (upstream === '') return { ok: false, message: `\`${s}\` has an empty upstream version` };
  if (!UPSTREAM.test(upstream)) return { ok: false, message: `the upstream version \`${upstream}\` of \`${s}\` must start with a digit and use only letters, digits and . + ~ - :` };
  if (colon < 0 && upstream.includes(':')) return { ok: false, message: `\`${s}\` has a colon but no epoch` };
  if (dash >= 0 && !REVISION.test(revision)) return { ok: false, message: `the revision \`${revision}\` of \`${s}\` may use only letters, digits and . + ~` };
  return { ok: true, version: { epoch, upstream, revision } };
}

/** The sort weight of one character in a non-digit run (dpkg's `order`). */
function order(code: number): number {
  if (code >= 0x30 && code <= 0x39) return 0; // digits end a non-digit run
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return code;
  if (code === 0x7e) return -1; // `~`
  return code + 256;
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/** dpkg's `verrevcmp` on one part (upstream or revision). */
function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = i < a.length ? order(a.charCodeAt(i)) : 0;
      const bc = j < b.length ? order(b.charCodeAt(j)) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    while (i < a.length && isDigit(a.charCodeAt(i)) && j < b.length && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b`. */
export function compareParsedVersions(a: DebianVersion, b: DebianVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const upstream = compareParts(a.upstream, b.upstream);
  if (upstream !== 0) return Math.sign(upstream);
  return Math.sign(compareParts(a.revision, b.revision));
}

/**
 * Compares two version strings; a version that does not parse is an error the caller must
 * handle (dpkg refuses to compare it too).
 */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x.ok) throw new RangeError(x.message);
  if (!y.ok) throw new RangeError(y.message);
  return compareParsedVersions(x.version, y.version);
}
