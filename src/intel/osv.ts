/**
 * OSV records (the OpenSSF schema, ossf.github.io/osv-schema) for the Debian ecosystem
 * (`Debian:11`, `Debian:12`, ...): a JSON array of records, one record, or one record per line
 * (as osv.dev's dumps unpack). For each affected Debian source package: the ranges of affected
 * versions (`introduced` / `fixed` events in dpkg order) and the CVSS vectors in `severity`.
 * Records of other ecosystems are counted and skipped.
 */
import type { IntelDiagnostic, Parsed } from './diagnostics.js';
import { checkSchema } from './schema-check.js';

export interface OsvRange {
  /** `0` means from the first version. */
  readonly introduced: string;
  /** null: no fixed version yet. */
  readonly fixed: string | null;
}

export interface OsvAffected {
  readonly id: string;
  /** The CVE ids of the record (its id when it is one, and its aliases). */
  readonly cves: readonly string[];
  readonly source: string;
  /** `Debian:12` → `12`. */
  readonly debianRelease: string;
  readonly ranges: readonly OsvRange[];
  /** CVSS vectors from `severity`, newest version first. */
  readonly cvss: readonly string[];
  readonly summary: string;
}

export interface OsvFeed {
  /** Affected Debian source packages, by source name. */
  readonly bySource: ReadonlyMap<string, readonly OsvAffected[]>;
  readonly records: number;
  readonly skipped: number;
}

export const OSV_RECORD_SCHEMA = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1 },
    aliases: { type: 'array', items: { type: 'string' } },
    summary: { type: 'string' },
    details: { type: 'string' },
    severity: { type: 'array', items: { type: 'object', required: ['type', 'score'], properties: { type: { type: 'string' }, score: { type: 'string' } } } },
    affected: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          package: { type: 'object', required: ['ecosystem', 'name'], properties: { ecosystem: { type: 'string' }, name: { type: 'string' } } },
          ranges: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'events'],
              properties: { type: { type: 'string' }, events: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } } },
            },
          },
        },
      },
    },
  },
} as const;

interface RawRecord {
  id: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  severity?: { type: string; score: string }[];
  affected?: { package?: { ecosystem: string; name: string }; ranges?: { type: string; events: Record<string, string>[] }[] }[];
}

const CVE = /^CVE-\d{4}-\d{4,19}$/;

/** Splits the input into records: an array, one object, or newline-delimited objects. */
function records(text: string): { values: unknown[] } | { error: string } {
  const t = text.trim();
  try {
    const v = JSON.parse(t) as unknown;
    return { values: Array.isArray(v) ? v : [v] };
  } catch (whole) {
    const lines = t.split('\n').filter((l) => l.trim() !== '');
    if (lines.length < 2) return { error: (whole as Error).message };
    const values: unknown[] = [];
    for (const [i, line] of lines.entries()) {
      try {
        values.push(JSON.parse(line));
      } catch (e) {
        return { error: `line ${i + 1}: ${(e as Error).message}` };
      }
    }
    return { values };
  }
}

function rangesOf(events: readonly Record<string, string>[]): OsvRange[] {
  // Events in order: each `introduced` opens a range, the next `fixed` (or `last_affected`) closes it.
  const out: OsvRange[] = [];
  let open: string | null = null;
  for (const e of events) {
    if (e.introduced !== undefined) open = e.introduced;
    else if (e.fixed !== undefined && open !== null) {
      out.push({ introduced: open, fixed: e.fixed });
      open = null;
    }
  }
  if (open !== null) out.push({ introduced: open, fixed: null });
  return out;
}

export function parseOsv(text: string): Parsed<OsvFeed> {
  const split = records(text);
  if ('error' in split) {
    return { ok: false, diagnostics: [{ code: 'intel/osv-invalid', severity: 'error', path: '$', message: `not OSV JSON: ${split.error}`, help: 'give a JSON array of OSV records, one record, or one record per line' }] };
  }
  const diagnostics: IntelDiagnostic[] = [];
  split.values.forEach((v, i) => {
    for (const d of checkSchema(v, OSV_RECORD_SCHEMA, 'intel/osv-schema')) diagnostics.push({ ...d, path: d.path.replace(/^\$/, `$[${i}]`), message: d.message.replace(/^\$/, `$[${i}]`) });
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.slice(0, 20) };

  const bySource = new Map<string, OsvAffected[]>();
  let skipped = 0;
  for (const raw of split.values as RawRecord[]) {
    const cves = [...new Set([raw.id, ...(raw.aliases ?? [])].filter((x) => CVE.test(x)))].sort();
    const cvss = (raw.severity ?? []).filter((s) => s.type.startsWith('CVSS_')).sort((a, b) => (a.type < b.type ? 1 : -1)).map((s) => s.score);
    let debian = 0;
    for (const a of raw.affected ?? []) {
      const eco = a.package?.ecosystem ?? '';
      if (!eco.startsWith('Debian') || a.package === undefined) continue;
      debian++;
      const entry: OsvAffected = {
        id: raw.id, cves, source: a.package.name, debianRelease: eco.includes(':') ? eco.slice(eco.indexOf(':') + 1) : '',
        ranges: (a.ranges ?? []).filter((r) => r.type === 'ECOSYSTEM').flatMap((r) => rangesOf(r.events)), cvss, summary: raw.summary ?? raw.details?.split('\n')[0] ?? '',
      };
      bySource.set(entry.source, [...(bySource.get(entry.source) ?? []), entry]);
    }
    if (debian === 0) skipped++;
  }
  return { ok: true, value: { bySource, records: split.values.length, skipped }, diagnostics: [] };
}
