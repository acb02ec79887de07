/**
 * CISA Known Exploited Vulnerabilities catalog (JSON feed). The whole document is validated
 * first (our schema mirrors CISA's published one: required fields, CVE/CWE patterns, date
 * formats) and then checked for what a schema cannot say (the `count` matches, no CVE twice);
 * any error rejects the feed whole.
 */
import { hasErrors, type IntelDiagnostic, type Parsed } from './diagnostics.js';
import { checkSchema } from './schema-check.js';

export interface KevEntry {
  readonly cve: string;
  readonly vendorProject: string;
  readonly product: string;
  readonly name: string;
  readonly dateAdded: string;
  readonly dueDate: string;
  readonly shortDescription: string;
  readonly requiredAction: string;
  /** CISA says `Known` when the CVE has been used in a ransomware campaign. */
  readonly knownRansomware: boolean;
  readonly cwes: readonly string[];
  readonly notes: string;
}

export interface KevCatalog {
  readonly catalogVersion: string;
  readonly dateReleased: string;
  /** Entries in the feed's order, and by CVE id. */
  readonly entries: readonly KevEntry[];
  readonly byCve: ReadonlyMap<string, KevEntry>;
}

const DATE = { type: 'string', format: 'date' } as const;

/** Written from CISA's kev-schema.json (draft-07); `kev.test.ts` checks that both agree. */
export const KEV_SCHEMA = {
  type: 'object',
  required: ['catalogVersion', 'dateReleased', 'count', 'vulnerabilities'],
  properties: {
    title: { type: 'string' },
    catalogVersion: { type: 'string' },
    dateReleased: { type: 'string', format: 'date-time' },
    count: { type: 'integer', minimum: 0 },
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['cveID', 'vendorProject', 'product', 'vulnerabilityName', 'dateAdded', 'shortDescription', 'requiredAction', 'dueDate'],
        properties: {
          cveID: { type: 'string', pattern: '^CVE-[0-9]{4}-[0-9]{4,19}$' },
          vendorProject: { type: 'string' },
          product: { type: 'string' },
          vulnerabilityName: { type: 'string' },
          dateAdded: DATE,
          shortDescription: { type: 'string' },
          requiredAction: { type: 'string' },
          dueDate: DATE,
          knownRansomwareCampaignUse: { type: 'string' },
          notes: { type: 'string' },
          cwes: { type: 'array', items: { type: 'string', pattern: '^CWE-([0-9])+$' } },
        },
      },
    },
  },
} as const;

interface RawEntry {
  cveID: string; vendorProject: string; product: string; vulnerabilityName: string; dateAdded: string; shortDescription: string;
  requiredAction: string; dueDate: string; knownRansomwareCampaignUse?: string; notes?: string; cwes?: string[];
}
interface RawCatalog { catalogVersion: string; dateReleased: string; count: number; vulnerabilities: RawEntry[] }

function diagnostic(path: string, message: string, help: string): IntelDiagnostic {
  return { code: 'intel/kev-invalid', severity: 'error', path, message, help };
}

export function parseKev(text: string): Parsed<KevCatalog> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, diagnostics: [diagnostic('$', `the KEV feed is not JSON: ${(e as Error).message}`, 'download the feed again; it may be truncated')] };
  }
  const diagnostics = checkSchema(json, KEV_SCHEMA, 'intel/kev-schema');
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  const raw = json as RawCatalog;
  if (raw.count !== raw.vulnerabilities.length) {
    diagnostics.push(diagnostic('$.count', `\`count\` says ${raw.count} entries but the feed has ${raw.vulnerabilities.length}`, 'the feed is incomplete; download it again'));
  }
  const byCve = new Map<string, KevEntry>();
  const entries: KevEntry[] = [];
  raw.vulnerabilities.forEach((v, i) => {
    if (byCve.has(v.cveID)) {
      diagnostics.push(diagnostic(`$.vulnerabilities[${i}].cveID`, `${v.cveID} is listed twice`, 'a KEV catalog lists each CVE once; this feed is not one CISA published'));
      return;
    }
    const entry: KevEntry = {
      cve: v.cveID, vendorProject: v.vendorProject, product: v.product, name: v.vulnerabilityName, dateAdded: v.dateAdded, dueDate: v.dueDate,
      shortDescription: v.shortDescription, requiredAction: v.requiredAction, knownRansomware: v.knownRansomwareCampaignUse === 'Known', cwes: v.cwes ?? [], notes: v.notes ?? '',
    };
    byCve.set(entry.cve, entry);
    entries.push(entry);
  });
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, value: { catalogVersion: raw.catalogVersion, dateReleased: raw.dateReleased, entries, byCve }, diagnostics };
}
