#!/usr/bin/env node
/**
 * Writes CVSS 4.0 vectors and their scores from FIRST's reference calculator, for
 * testdata/intel/cvss4-reference.txt (`vector - score` per line, the reference's own test format).
 *
 *   node scripts/cvss4-reference.mjs /path/to/cvss40.js [count] > testdata/intel/cvss4-reference.txt
 *
 * `cvss40.js` comes from github.com/RedHatProductSecurity/cvss-v4-calculator (BSD-2-Clause), the
 * calculator behind first.org's; it is run here, never copied into the repository. Vectors are
 * drawn with a fixed seed: every base metric, and sometimes the threat metric, security
 * requirements and modified base metrics.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const [calculatorPath, countText = '600'] = process.argv.slice(2);
if (calculatorPath === undefined) {
  console.error('usage: node scripts/cvss4-reference.mjs /path/to/cvss40.js [count]');
  process.exit(2);
}
const { CVSS40 } = createRequire(import.meta.url)(resolve(calculatorPath));

let state = 0x5eed;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (values) => values[Math.floor(random() * values.length)];

const BASE = { AV: ['N', 'A', 'L', 'P'], AC: ['L', 'H'], AT: ['N', 'P'], PR: ['N', 'L', 'H'], UI: ['N', 'P', 'A'], VC: ['H', 'L', 'N'], VI: ['H', 'L', 'N'], VA: ['H', 'L', 'N'], SC: ['H', 'L', 'N'], SI: ['H', 'L', 'N'], SA: ['H', 'L', 'N'] };
const OPTIONAL = {
  E: ['A', 'P', 'U'], CR: ['H', 'M', 'L'], IR: ['H', 'M', 'L'], AR: ['H', 'M', 'L'], MAV: ['N', 'A', 'L', 'P'], MAC: ['L', 'H'], MAT: ['N', 'P'], MPR: ['N', 'L', 'H'], MUI: ['N', 'P', 'A'],
  MVC: ['H', 'L', 'N'], MVI: ['H', 'L', 'N'], MVA: ['H', 'L', 'N'], MSC: ['H', 'L', 'N'], MSI: ['S', 'H', 'L', 'N'], MSA: ['S', 'H', 'L', 'N'],
};

const seen = new Set();
const count = Number(countText);
while (seen.size < count) {
  const parts = Object.entries(BASE).map(([k, v]) => `${k}:${pick(v)}`);
  // A third of the vectors are base only; the rest carry each optional metric with some chance.
  if (random() > 1 / 3) for (const [k, v] of Object.entries(OPTIONAL)) if (random() < 0.3) parts.push(`${k}:${pick(v)}`);
  const vector = `CVSS:4.0/${parts.join('/')}`;
  if (seen.has(vector)) continue;
  seen.add(vector);
  console.log(`${vector} - ${new CVSS40(vector).score.toFixed(1)}`);
}
