/**
 * FIRST EPSS daily scores (CSV as published: `epss_scores-YYYY-MM-DD.csv`):
 *
 *     #model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000
 *     cve,epss,percentile
 *     CVE-1999-0001,0.01297,0.79405
 *
 * Hand-written rather than a CSV library: the format has no quoting, and one pass over the text
 * with index arithmetic reads 300,000 rows in well under the second the issue allows. Every
 * row is validated; any error rejects the file whole (the first 20 are reported, then a count).
 */
import type { IntelDiagnostic, Parsed } from './diagnostics.js';

export interface EpssScore {
  /** Probability of exploitation activity in the next 30 days, 0–1. */
  readonly epss: number;
  /** Rank among all scored CVEs, 0–1. */
  readonly percentile: number;
}

export interface EpssSnapshot {
  readonly modelVersion: string;
  /** ISO 8601, as the header gives it (normalized to `Z` when the offset is +0000). */
  readonly scoreDate: string;
  readonly scores: ReadonlyMap<string, EpssScore>;
}

const CVE = /^CVE-\d{4}-\d{4,19}$/;
const HEADER = /^#model_version:([^,\s]+),score_date:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))\s*$/;
const MAX_REPORTED = 20;

/** A probability as EPSS writes it: a decimal (older files use exponents, `4.3e-05`) in [0, 1]. */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
function probability(text: string): number {
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  return n >= 0 && n <= 1 ? n : Number.NaN;
}

export function parseEpss(text: string): Parsed<EpssSnapshot> {
  const diagnostics: IntelDiagnostic[] = [];
  let errors = 0;
  const problem = (line: number, message: string, help: string) => {
    errors++;
    if (errors <= MAX_REPORTED) diagnostics.push({ code: 'intel/epss-invalid', severity: 'error', path: `line ${line}`, message, help });
  };

  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstEnd = body.indexOf('\n');
  const header = (firstEnd < 0 ? body : body.slice(0, firstEnd)).replace(/\r$/, '');
  const meta = HEADER.exec(header);
  if (meta === null) {
    return { ok: false, diagnostics: [{ code: 'intel/epss-header', severity: 'error', path: 'line 1', message: `the first line must be \`#model_version:<version>,score_date:<ISO time>\`, found \`${header.slice(0, 80)}\``, help: 'use the CSV exactly as FIRST publishes it (epss_scores-YYYY-MM-DD.csv, decompressed)' }] };
  }
  const secondEnd = firstEnd < 0 ? -1 : body.indexOf('\n', firstEnd + 1);
  const columns = (firstEnd < 0 ? '' : body.slice(firstEnd + 1, secondEnd < 0 ? undefined : secondEnd)).replace(/\r$/, '');
  if (columns !== 'cve,epss,percentile') {
    return { ok: false, diagnostics: [{ code: 'intel/epss-header', severity: 'error', path: 'line 2', message: `the second line must be \`cve,epss,percentile\`, found \`${columns.slice(0, 80)}\``, help: 'use the CSV exactly as FIRST publishes it' }] };
  }

  const scores = new Map<string, EpssScore>();
  let line = 2;
  let start = secondEnd < 0 ? body.length : secondEnd + 1;
  while (start < body.length) {
    line++;
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    const row = body.charCodeAt(end - 1) === 13 ? body.slice(start, end - 1) : body.slice(start, end);
    start = end + 1;
    if (row === '') continue;
    const c1 = row.indexOf(',');
    const c2 = c1 < 0 ? -1 : row.indexOf(',', c1 + 1);
    if (c2 < 0 || row.indexOf(',', c2 + 1) >= 0) {
      problem(line, `expected three fields \`cve,epss,percentile\`, found \`${row.slice(0, 80)}\``, 'the file may be truncated or not an EPSS CSV');
      continue;
    }
    const cve = row.slice(0, c1);
    const epss = probability(row.slice(c1 + 1, c2));
    const percentile = probability(row.slice(c2 + 1));
    if (!CVE.test(cve)) problem(line, `\`${cve.slice(0, 40)}\` is not a CVE id`, 'ids look like CVE-2024-12345');
    else if (Number.isNaN(epss)) problem(line, `the EPSS score of ${cve} must be a number from 0 to 1`, 'the file may be corrupt; download it again');
    else if (Number.isNaN(percentile)) problem(line, `the percentile of ${cve} must be a number from 0 to 1`, 'the file may be corrupt; download it again');
    else if (scores.has(cve)) problem(line, `${cve} is scored twice`, 'an EPSS file scores each CVE once; this file is not one FIRST published');
    else scores.set(cve, { epss, percentile });
  }
  if (errors > MAX_REPORTED) {
    diagnostics.push({ code: 'intel/epss-invalid', severity: 'error', path: `line ${line}`, message: `${errors - MAX_REPORTED} more rows are invalid`, help: 'the file is not a valid EPSS CSV' });
  }
  if (errors > 0) return { ok: false, diagnostics };
  if (scores.size === 0) {
    return { ok: false, diagnostics: [{ code: 'intel/epss-empty', severity: 'error', path: `line ${line}`, message: 'the file scores no CVE', help: 'an EPSS file holds a score for every published CVE; this one is cut off' }] };
  }
  const scoreDate = (meta[2] as string).replace(/\+00:?00$/, 'Z');
  return { ok: true, value: { modelVersion: meta[1] as string, scoreDate, scores }, diagnostics };
}
