import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateEpssCsv } from '../../test/support/epss.js';
import { parseEpss } from './epss.js';

const SAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'testdata', 'intel', 'epss_scores-2025-08-25.csv'), 'utf8');

describe('EPSS CSV', () => {
  it('reads the published format: header comment, columns, scores', () => {
    const r = parseEpss(SAMPLE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.modelVersion).toBe('v2025.03.14');
    expect(r.value.scoreDate).toBe('2025-08-25T00:00:00Z');
    expect(r.value.scores.size).toBe(7);
    expect(r.value.scores.get('CVE-2021-44228')).toEqual({ epss: 0.94358, percentile: 0.99953 });
  });

  it('reads CRLF line ends, a byte-order mark and exponent notation', () => {
    const text = '\ufeff' + SAMPLE.replace('0.00018', '1.8e-04').replace(/\n/g, '\r\n');
    const r = parseEpss(text);
    expect(r.ok && r.value.scores.get('CVE-2025-9999')?.epss).toBe(0.00018);
  });

  it('reads a 300,000-row file whole', () => {
    const r = parseEpss(generateEpssCsv(300_000));
    expect(r.ok && r.value.scores.size).toBe(300_000);
  });

  it('rejects a file without the header comment or with other columns', () => {
    expect(parseEpss(SAMPLE.split('\n').slice(1).join('\n')).diagnostics[0]).toMatchObject({ code: 'intel/epss-header', path: 'line 1' });
    expect(parseEpss(SAMPLE.replace('cve,epss,percentile', 'cve,score')).diagnostics[0]).toMatchObject({ code: 'intel/epss-header', path: 'line 2' });
  });

  it.each([
    ['a score above 1', (t: string) => t.replace('0.94468', '1.2'), 'line 4'],
    ['a negative percentile', (t: string) => t.replace('0.97772', '-0.1'), 'line 6'],
    ['a malformed CVE id', (t: string) => t.replace('CVE-1999-0001', 'CVE-99-1'), 'line 3'],
    ['a CVE scored twice', (t: string) => t + 'CVE-2014-0160,0.5,0.5\n', 'line 10'],
    ['a row cut off', (t: string) => t.replace('CVE-2024-3094,0.84187,0.99281', 'CVE-2024-3094,0.84'), 'line 7'],
    ['a fourth field', (t: string) => t.replace('0.79405', '0.79405,x'), 'line 3'],
  ])('rejects the whole file for %s, naming the line', (_name, mutate, line) => {
    const r = parseEpss(mutate(SAMPLE));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.path)).toEqual([line]);
  });

  it('reports the first 20 bad rows and counts the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `CVE-2024-${10000 + i},2,0.5`);
    const r = parseEpss(['#model_version:v1,score_date:2025-01-01T00:00:00Z', 'cve,epss,percentile', ...rows].join('\n'));
    expect(r.diagnostics.length).toBe(21);
    expect(r.diagnostics.at(-1)?.message).toBe('5 more rows are invalid');
  });

  it('rejects a file with no scores', () => {
    expect(parseEpss(SAMPLE.split('\n').slice(0, 2).join('\n')).diagnostics[0]?.code).toBe('intel/epss-empty');
  });
});
