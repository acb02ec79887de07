import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { parseKev } from './kev.js';

const feedPath = sharedData(join('intel', 'kev-known_exploited_vulnerabilities.json'));
const schemaPath = sharedData(join('intel', 'kev-schema.json'));
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

describe.skipIf(feedPath === undefined || schemaPath === undefined)('CISA KEV feed', () => {
  const text = readFileSync(feedPath as string, 'utf8');
  const feed = JSON.parse(text) as { count: number; vulnerabilities: Record<string, unknown>[] };
  // The oracle: CISA's own schema, validated by Ajv.
  const official = addFormats(new Ajv({ allErrors: true, strict: false })).compile(JSON.parse(readFileSync(schemaPath as string, 'utf8')) as object);

  it('imports the real catalog whole', () => {
    const r = parseKev(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.entries.length).toBe(feed.count);
    expect(r.value.byCve.size).toBe(feed.count);
    const log4shell = r.value.byCve.get('CVE-2021-44228');
    expect(log4shell?.vendorProject).toBe('Apache');
    expect(log4shell?.knownRansomware).toBe(true);
    expect(r.value.entries.filter((e) => e.knownRansomware).length).toBe(feed.vulnerabilities.filter((v) => v.knownRansomwareCampaignUse === 'Known').length);
  });

  const mutations: [string, (d: { count: number; vulnerabilities: Record<string, unknown>[]; [k: string]: unknown }) => void][] = [
    ['a missing cveID', (d) => delete d.vulnerabilities[5]?.cveID],
    ['a malformed cveID', (d) => void ((d.vulnerabilities[7] as Record<string, unknown>).cveID = 'CVE-21-1')],
    ['a malformed dateAdded', (d) => void ((d.vulnerabilities[9] as Record<string, unknown>).dateAdded = '2021-13-45')],
    ['a malformed CWE', (d) => void ((d.vulnerabilities[3] as Record<string, unknown>).cwes = ['CWE-xyz'])],
    ['a numeric product', (d) => void ((d.vulnerabilities[2] as Record<string, unknown>).product = 42)],
    ['no catalogVersion', (d) => delete d.catalogVersion],
    ['a non-integer count', (d) => void (d.count = 1.5)],
    ['a bad dateReleased', (d) => void (d.dateReleased = 'yesterday')],
    ['an extra field', (d) => void ((d.vulnerabilities[1] as Record<string, unknown>).epss = 0.5)],
  ];
  for (const [name, mutate] of mutations) {
    it(`agrees with CISA's schema on a feed with ${name}`, () => {
      const doc = structuredClone(feed);
      mutate(doc);
      const ours = parseKev(JSON.stringify(doc));
      expect(ours.ok).toBe(official(doc));
      if (!ours.ok) expect(ours.diagnostics[0]?.path).toMatch(/^\$/);
    });
  }

  it('says where a feed is wrong, with a JSON path', () => {
    const doc = structuredClone(feed);
    (doc.vulnerabilities[7] as Record<string, unknown>).cveID = 'CVE-21-1';
    const r = parseKev(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.path)).toEqual(['$.vulnerabilities[7].cveID']);
  });

  it('rejects what the schema cannot see: a wrong count, a CVE listed twice', () => {
    const short = structuredClone(feed);
    short.vulnerabilities.pop();
    expect(parseKev(JSON.stringify(short)).diagnostics.map((d) => d.path)).toEqual(['$.count']);
    const twice = structuredClone(feed);
    twice.vulnerabilities[10] = { ...twice.vulnerabilities[0] };
    const r = parseKev(JSON.stringify(twice));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.path)).toEqual(['$.vulnerabilities[10].cveID']);
  });
});

describe('KEV input that is not a feed', () => {
  it('reports text that is not JSON, and a truncated document', () => {
    expect(parseKev('<html>').diagnostics[0]?.message).toMatch(/not JSON/);
    expect(parseKev('{"catalogVersion": "1", "vulnerabilities": [').ok).toBe(false);
    expect(parseKev('[]').diagnostics[0]?.message).toMatch(/must be object/);
  });
});
