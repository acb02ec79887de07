/**
 * The Debian Security Tracker's JSON export (`security-tracker.debian.org/tracker/data/json`):
 * source package → issue id → description, scope and, per release, status (`resolved`, `open`,
 * `undetermined`), first fixed version and urgency. Only CVE ids are kept (`TEMP-…` entries are
 * counted and skipped). Validated whole against a schema written from the export's shape.
 */
import type { IntelDiagnostic, Parsed } from './diagnostics.js';
import { checkSchema } from './schema-check.js';

export type TrackerStatus = 'resolved' | 'open' | 'undetermined';

export interface TrackerRelease {
  readonly status: TrackerStatus;
  /** The first version that fixes it; `0` in the export means the release was never affected. */
  readonly fixedVersion: string | null;
  /** `unimportant`, `low`, `medium`, `high`, `not yet assigned`, `end-of-life` (a trailing `*` or `**` marks a guess). */
  readonly urgency: string;
  /** Reason Debian issued no advisory, when it says. */
  readonly noDsa: string | null;
}

export interface TrackerIssue {
  readonly cve: string;
  /** Debian source package. */
  readonly source: string;
  readonly description: string;
  readonly scope: 'local' | 'remote' | null;
  readonly releases: ReadonlyMap<string, TrackerRelease>;
}

export interface DebianTracker {
  /** Issues by source package. */
  readonly bySource: ReadonlyMap<string, readonly TrackerIssue[]>;
  readonly issues: number;
  /** Non-CVE ids (`TEMP-…`) skipped. */
  readonly skipped: number;
}

const RELEASE = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: ['resolved', 'open', 'undetermined'] },
    repositories: { type: 'object', additionalProperties: { type: 'string' } },
    fixed_version: { type: 'string' },
    urgency: { type: 'string' },
    nodsa: { type: 'string' },
    nodsa_reason: { type: 'string' },
  },
} as const;

export const DEBIAN_TRACKER_SCHEMA = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        description: { type: 'string' },
        scope: { enum: ['local', 'remote'] },
        debianbug: { type: 'integer' },
        releases: { type: 'object', additionalProperties: RELEASE },
      },
    },
  },
} as const;

interface RawRelease { status: TrackerStatus; fixed_version?: string; urgency?: string; nodsa?: string }
interface RawIssue { description?: string; scope?: 'local' | 'remote'; releases?: Record<string, RawRelease> }

const CVE = /^CVE-\d{4}-\d{4,19}$/;

export function parseDebianTracker(text: string): Parsed<DebianTracker> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const d: IntelDiagnostic = { code: 'intel/debian-tracker-invalid', severity: 'error', path: '$', message: `the tracker export is not JSON: ${(e as Error).message}`, help: 'download the export again; it may be truncated' };
    return { ok: false, diagnostics: [d] };
  }
  const diagnostics = checkSchema(json, DEBIAN_TRACKER_SCHEMA, 'intel/debian-tracker-schema');
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const bySource = new Map<string, TrackerIssue[]>();
  let issues = 0;
  let skipped = 0;
  for (const [source, entries] of Object.entries(json as Record<string, Record<string, RawIssue>>)) {
    const list: TrackerIssue[] = [];
    for (const [id, raw] of Object.entries(entries)) {
      if (!CVE.test(id)) {
        skipped++;
        continue;
      }
      const releases = new Map<string, TrackerRelease>();
      for (const [release, r] of Object.entries(raw.releases ?? {})) {
        releases.set(release, { status: r.status, fixedVersion: r.fixed_version ?? null, urgency: r.urgency ?? 'not yet assigned', noDsa: r.nodsa ?? null });
      }
      list.push({ cve: id, source, description: raw.description ?? '', scope: raw.scope ?? null, releases });
      issues++;
    }
    if (list.length > 0) bySource.set(source, list);
  }
  if (issues === 0) {
    return { ok: false, diagnostics: [{ code: 'intel/debian-tracker-empty', severity: 'error', path: '$', message: 'the export lists no CVE', help: 'the full export lists tens of thousands; this one is cut off or not the tracker’s' }] };
  }
  return { ok: true, value: { bySource, issues, skipped }, diagnostics: [] };
}
