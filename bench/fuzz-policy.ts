/**
 * Fuzzes the policy parser, validator and compiler for a configurable time:
 *   npm run fuzz -- --seconds 60 [--seed 7]
 * Inputs are mutations of valid policies (byte flips, splices, deletions, duplications, deep
 * nesting, huge values) and random JSON in every element. Any exception, or an input that takes
 * longer than the budget, is a failure: it is printed and written to bench/results/fuzz-crash-*.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicySet, validatePolicy } from '../src/policy/index.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = arg('seconds', 30);
const budgetMs = arg('budget-ms', 2000);
let seed = arg('seed', Date.now() % 1_000_000);
const startSeed = seed;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

const SEEDS = [
  { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:List*'], Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] }, 'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' } } }] },
  { Version: '2012-10-17', Statement: { Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:iam::*:role/x'], Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, NumericLessThanIfExists: { 's3:max-keys': 10 }, Null: { 'aws:TokenIssueTime': 'true' } } } },
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:role/r'], Service: 'lambda.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:*' }, BinaryEquals: { 'k:b': 'QmluYXJ5' }, Bool: { 'aws:SecureTransport': true } } }] },
];
const TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', '${', '*', '?', '\u0000', '\ud800', 'null', 'true', '1e999', '-0', '"Statement"', '"Effect"', '"Allow"', '"Condition"'];

function mutate(text: string): string {
  let s = text;
  for (let n = 1 + int(4); n > 0; n--) {
    const at = int(s.length + 1);
    switch (int(7)) {
      case 0: s = s.slice(0, at) + s.slice(at + 1 + int(8)); break;
      case 1: s = s.slice(0, at) + pick(TOKENS) + s.slice(at); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(int(0x10000)) + s.slice(at + 1); break;
      case 3: { const from = int(s.length); s = s.slice(0, at) + s.slice(from, from + int(40)) + s.slice(at); break; }
      case 4: s = s.slice(0, at) + '['.repeat(int(200)) + s.slice(at); break;
      case 5: s = s.slice(0, at) + '"' + 'x'.repeat(int(100_000)) + '"' + s.slice(at); break;
      default: s = s.slice(0, at); break;
    }
  }
  return s;
}

function randomJson(depth: number): unknown {
  const k = int(depth > 3 ? 4 : 7);
  if (k === 0) return pick(['*', 's3:Get*', 'arn:aws:s3:::b/*', '10.0.0.0/8', '${aws:username}', '', 'Allow']);
  if (k === 1) return random() * 1e6 - 5e5;
  if (k === 2) return random() < 0.5;
  if (k === 3) return null;
  if (k === 4) return Array.from({ length: int(5) }, () => randomJson(depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = int(5); i > 0; i--) o[pick(['Effect', 'Action', 'Resource', 'Condition', 'Principal', 'StringEquals', 'aws:SourceIp', 'x'])] = randomJson(depth + 1);
  return o;
}

function oneInput(): string {
  const base = JSON.stringify(pick(SEEDS), null, int(2) === 0 ? 2 : undefined);
  if (random() < 0.6) return mutate(base);
  const doc = structuredClone(pick(SEEDS)) as { Statement: unknown };
  const stmt = Array.isArray(doc.Statement) ? doc.Statement[0] : doc.Statement;
  (stmt as Record<string, unknown>)[pick(['Action', 'Resource', 'Condition', 'Principal', 'Effect', 'Sid', 'NotAction'])] = randomJson(0);
  return JSON.stringify(doc);
}

const end = Date.now() + seconds * 1000;
let runs = 0;
let slowest = 0;
let failures = 0;
while (Date.now() < end) {
  const input = oneInput();
  const t0 = performance.now();
  try {
    validatePolicy(input, { policyType: pick(['identity', 'resource', 'scp', 'rcp', 'session', 'boundary'] as const) });
    compilePolicySet({ identity: [input] });
  } catch (e) {
    failures++;
    const file = join(import.meta.dirname, 'results', `fuzz-crash-${startSeed}-${runs}.json`);
    writeFileSync(file, JSON.stringify({ error: String((e as Error).stack ?? e), input }));
    console.error(`crash on input ${runs}: ${(e as Error).message} (saved to ${file})`);
  }
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  if (ms > budgetMs) {
    failures++;
    console.error(`input ${runs} took ${ms.toFixed(0)} ms (budget ${budgetMs} ms)`);
  }
  runs++;
}
console.log(`fuzz: ${runs} inputs in ${seconds}s (seed ${startSeed}), slowest ${slowest.toFixed(1)} ms, ${failures} failures`);
process.exitCode = failures > 0 ? 1 : 0;
