import { describe, expect, it } from 'vitest';
import { parseDebianTracker } from './debian-tracker.js';
import { diffEpss, diffKev } from './diff.js';
import { parseOsv } from './osv.js';
import { diffOsv, diffTracker } from './package-diff.js';
import { parseEpss } from './epss.js';
import { parseKev } from './kev.js';

function kev(version: string, entries: [string, string][]) {
  const r = parseKev(JSON.stringify({
    catalogVersion: version, dateReleased: '2025-08-25T00:00:00.000Z', count: entries.length,
    vulnerabilities: entries.map(([cveID, dateAdded]) => ({ cveID, vendorProject: 'v', product: 'p', vulnerabilityName: 'n', dateAdded, shortDescription: 's', requiredAction: 'a', dueDate: dateAdded })),
  }));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}
function epss(date: string, rows: [string, number][]) {
  const r = parseEpss([`#model_version:v2025.03.14,score_date:${date}T00:00:00+0000`, 'cve,epss,percentile', ...rows.map(([c, s]) => `${c},${s},0.5`)].join('\n'));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
}

describe('feed diffs', () => {
  it('lists new and withdrawn KEV entries', () => {
    const d = diffKev(kev('2025.08.24', [['CVE-2021-1111', '2021-01-01'], ['CVE-2022-2222', '2022-02-02']]), kev('2025.08.25', [['CVE-2022-2222', '2022-02-02'], ['CVE-2025-4444', '2025-08-25'], ['CVE-2025-3333', '2025-08-25']]));
    expect(d.added.map((e) => e.cve)).toEqual(['CVE-2025-3333', 'CVE-2025-4444']);
    expect(d.removed).toEqual(['CVE-2021-1111']);
    expect([d.from, d.to]).toEqual(['2025.08.24', '2025.08.25']);
  });

  it('lists EPSS jumps at or above the threshold, new and dropped CVEs included', () => {
    const d = diffEpss(
      epss('2025-08-24', [['CVE-2024-0001', 0.01], ['CVE-2024-0002', 0.5], ['CVE-2024-0003', 0.2], ['CVE-2024-0004', 0.3]]),
      epss('2025-08-25', [['CVE-2024-0001', 0.45], ['CVE-2024-0002', 0.42], ['CVE-2024-0003', 0.05], ['CVE-2025-0005', 0.12], ['CVE-2025-0006', 0.01]]),
      0.1,
    );
    expect(d.changes).toEqual([
      { cve: 'CVE-2024-0001', from: 0.01, to: 0.45, delta: 0.44 },
      { cve: 'CVE-2025-0005', from: null, to: 0.12, delta: 0.12 },
      { cve: 'CVE-2024-0003', from: 0.2, to: 0.05, delta: -0.15 },
      { cve: 'CVE-2024-0004', from: 0.3, to: null, delta: -0.3 },
    ]);
    expect([d.newlyScored, d.noLongerScored]).toEqual([2, 1]);
  });
});

describe('package feed diffs', () => {
  const tracker = (entries: Record<string, Record<string, { status: string; fixed_version?: string }>>) => {
    const doc = Object.fromEntries(Object.entries(entries).map(([key, releases]) => {
      const [source, cve] = key.split(' ') as [string, string];
      return [source, { [cve]: { releases } }];
    }));
    const r = parseDebianTracker(JSON.stringify(doc));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return r.value;
  };

  it('tracker: newly disclosed and newly fixed issues, by release', () => {
    const before = tracker({ 'curl CVE-2024-0001': { bookworm: { status: 'open' }, sid: { status: 'open' } } });
    const after = tracker({
      'curl CVE-2024-0001': { bookworm: { status: 'resolved', fixed_version: '7.88.1-10+deb12u6' }, sid: { status: 'open' } },
      'git CVE-2025-0002': { bookworm: { status: 'open' } },
      'xz-utils CVE-2025-0003': { bookworm: { status: 'resolved', fixed_version: '0' } },
    });
    const d = diffTracker(before, after, 'bookworm');
    expect(d.fixed).toEqual([{ source: 'curl', cve: 'CVE-2024-0001', release: 'bookworm', fixedVersion: '7.88.1-10+deb12u6' }]);
    expect(d.disclosed).toEqual([{ source: 'git', cve: 'CVE-2025-0002', release: 'bookworm' }]);
    expect(diffTracker(before, after).disclosed.length).toBe(1);
    expect(diffTracker(after, after)).toEqual({ disclosed: [], fixed: [] });
  });

  it('OSV: a range that gains a fixed event is a fix; a new record is a disclosure', () => {
    const osv = (fixed: string | null, extra = false) => {
      const rec = (id: string, name: string, fix: string | null) => ({ id, aliases: [id.replace('DEBIAN-', '')], affected: [{ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...(fix === null ? [] : [{ fixed: fix }])] }] }] });
      const r = parseOsv(JSON.stringify([rec('DEBIAN-CVE-2024-1000', 'openssl', fixed), ...(extra ? [rec('DEBIAN-CVE-2025-2000', 'curl', null)] : [])]));
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      return r.value;
    };
    const d = diffOsv(osv(null), osv('3.0.15-1~deb12u1', true), '12');
    expect(d.fixed).toEqual([{ source: 'openssl', cve: 'CVE-2024-1000', release: '12', fixedVersion: '3.0.15-1~deb12u1' }]);
    expect(d.disclosed).toEqual([{ source: 'curl', cve: 'CVE-2025-2000', release: '12' }]);
  });
});
