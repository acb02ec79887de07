/**
 * Large EPSS files in FIRST's exact published format, for tests and benchmarks (the real feed is
 * not reachable offline). Deterministic: the same size and seed give the same bytes.
 */
export function generateEpssCsv(rows: number, seed = 1): string {
  let state = seed >>> 0;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = ['#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000', 'cve,epss,percentile'];
  for (let i = 0; i < rows; i++) {
    const year = 1999 + (i % 27);
    // EPSS is heavy-tailed: most scores are tiny.
    const epss = next() ** 6;
    out.push(`CVE-${year}-${String(10000 + i).padStart(5, '0')},${epss.toFixed(5)},${next().toFixed(5)}`);
  }
  return out.join('\n') + '\n';
}
