/**
 * `npm run bench -- synthesis`: end-to-end synthesis of 20 starter-catalog fragments (resolve,
 * bind, signatures, merge, validate, escalation paths, exact containment in boundary ∩ delegator)
 * against a realistic team boundary and delegator policy. The peer is the same composition done
 * by hand the way a reviewer's tooling would without Tessera: parse and validate the merged policy
 * and check each of its statements against the boundary with the evaluator on sampled requests,
 * which proves nothing. There is no public synthesis engine to run beside it, so the table reports
 * our times and, for scale, Tessera's own containment check alone.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadAwsCatalog, servicesOf } from '../src/aws-catalog/index.js';
import { contentHash, synthesize, type FragmentContent, type FragmentRef, type FragmentVersion } from '../src/fragments/index.js';
import { Analyzer } from '../src/policy-analysis/index.js';
import { ROOT } from './lib/root.js';
import type { BenchOptions, BenchResult } from './lib/types.js';
import { target } from './lib/types.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const CATALOG = join(ROOT, 'catalog', 'fragments');

/** Twenty fragments a data-platform team lead would combine; no conflicts, no escalation path. */
export const COMPOSITION = [
  'dynamodb-query-index', 'dynamodb-read-table', 'dynamodb-write-table', 'ec2-describe', 'ec2-start-stop-team-instances',
  'iam-read-only', 'kms-decrypt-key', 'kms-encrypt-key', 'lambda-invoke-function', 'lambda-view-logs',
  'logs-read-log-group', 'logs-write-log-group', 's3-list-bucket', 's3-read-prefix', 's3-write-prefix',
  'secretsmanager-read-secret', 'sns-publish-topic', 'sns-subscribe-topic', 'sqs-consume-queue', 'sqs-send-message',
] as const;

const PARAMS: Record<string, string> = {
  account: ACCOUNT, region: REGION, bucket: 'acme-analytics', prefix: 'exports/daily', table: 'orders', indexName: 'by-customer',
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', functionName: 'orders-api', logGroup: '/ecs/orders-api', secretName: 'prod/orders/db',
  topic: 'order-events', queue: 'order-jobs',
};

/** The team's permissions boundary: the services it may touch, on its own resources, in its regions. */
export const BOUNDARY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Data', Effect: 'Allow', Action: ['s3:*', 'dynamodb:*'], Resource: ['arn:aws:s3:::acme-*', 'arn:aws:s3:::acme-*/*', `arn:aws:dynamodb:*:${ACCOUNT}:table/*`] },
    { Sid: 'Compute', Effect: 'Allow', Action: ['lambda:*', 'ec2:*', 'logs:*', 'sqs:*', 'sns:*'], Resource: '*' },
    { Sid: 'Keys', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:ReEncrypt*'], Resource: `arn:aws:kms:*:${ACCOUNT}:key/*` },
    { Sid: 'Secrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:prod/*` },
    { Sid: 'ReadIam', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'iam:Generate*', 'iam:Simulate*'], Resource: '*' },
    { Sid: 'NeverDestroy', Effect: 'Deny', Action: ['s3:DeleteBucket', 'dynamodb:DeleteTable', 'ec2:TerminateInstances', 'kms:ScheduleKeyDeletion', 'logs:DeleteLogGroup'], Resource: '*' },
  ],
};

/** The delegator's own permissions (a platform lead): broad, but not everything. */
export const DELEGATOR = [{
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', NotAction: ['organizations:*', 'account:*'], Resource: '*' },
    { Effect: 'Deny', Action: ['iam:CreateUser', 'iam:CreateAccessKey'], Resource: '*' },
  ],
}];

function versions(): Map<string, FragmentVersion> {
  const out = new Map<string, FragmentVersion>();
  for (const file of readdirSync(CATALOG).filter((f) => f.endsWith('.json'))) {
    const content = JSON.parse(readFileSync(join(CATALOG, file), 'utf8')) as FragmentContent;
    out.set(content.id, { id: content.id, version: 1, hash: contentHash(content), status: 'approved', content, createdAt: '2026-11-23T00:00:00Z', createdBy: 'bench', history: [], actions: [] });
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))] ?? Number.NaN;
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const all = versions();
  const chosen = COMPOSITION.map((id) => all.get(id) as FragmentVersion);
  const catalog = await loadAwsCatalog(servicesOf(chosen.flatMap((v) => v.content.statements.flatMap((s) => [s.Action ?? []].flat() as string[]))));
  const fragments = chosen.map((v) => ({ ref: { id: v.id, version: 1 }, params: Object.fromEntries(Object.keys(v.content.parameters).filter((k) => k in PARAMS).map((k) => [k, PARAMS[k] as string])) }));
  const resolve = (ref: FragmentRef) => all.get(ref.id);
  const request = { fragments, boundary: BOUNDARY, delegator: DELEGATOR };

  // Check it composes at all before timing.
  const first = synthesize(request, { analyzer: new Analyzer(), catalog, resolve });
  if (first.policies === undefined) throw new Error(`the benchmark composition does not synthesize: ${first.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ')}`);
  const statements = first.policies.reduce((n, p) => n + ((p.Statement as unknown[]).length), 0);
  log(`synthesis: ${COMPOSITION.length} fragments → ${first.policies.length} document(s), ${statements} statements, ${first.containment?.verdict}`);

  const runs = options.quick === true ? 5 : 40;
  // Cold: a fresh analyzer each time (a first synthesis against a boundary). Warm: one analyzer
  // reused, as a server does for a team's boundary across syntheses.
  const cold: number[] = [];
  const warm: number[] = [];
  const analyzer = new Analyzer();
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    synthesize(request, { analyzer: new Analyzer(), catalog, resolve });
    cold.push(performance.now() - t);
    t = performance.now();
    synthesize(request, { analyzer, catalog, resolve });
    warm.push(performance.now() - t);
  }
  // The containment proof alone, for scale.
  const proof: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    new Analyzer().contains(first.policies, [[BOUNDARY], DELEGATOR]);
    proof.push(performance.now() - t);
  }
  for (const xs of [cold, warm, proof]) xs.sort((a, b) => a - b);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return {
    name: 'synthesis',
    title: `synthesis of ${COMPOSITION.length} fragments, end to end`,
    table: {
      columns: ['', 'median', 'p90', 'max'],
      rows: [
        ['synthesize (fresh analyzer)', ms(quantile(cold, 0.5)), ms(quantile(cold, 0.9)), ms(cold.at(-1) ?? 0)],
        ['synthesize (analyzer reused)', ms(quantile(warm, 0.5)), ms(quantile(warm, 0.9)), ms(warm.at(-1) ?? 0)],
        ['of which: containment proof alone (fresh)', ms(quantile(proof, 0.5)), ms(quantile(proof, 0.9)), ms(proof.at(-1) ?? 0)],
      ],
    },
    metrics: {
      fragments: COMPOSITION.length, statements, documents: first.policies.length, verdict: first.containment?.verdict ?? 'none', runs,
      coldMedianMs: quantile(cold, 0.5), coldP90Ms: quantile(cold, 0.9), warmMedianMs: quantile(warm, 0.5), proofMedianMs: quantile(proof, 0.5),
    },
    targets: [target('synthesize 20 fragments, median (fresh analyzer)', quantile(cold, 0.5), '<=', 100, 'ms')],
    notes: [
      `Composition: ${COMPOSITION.join(', ')}; boundary of ${BOUNDARY.Statement.length} statements (with a guard rail against destruction), delegator policy of 2; result ${statements} statements in ${first.policies.length} document(s), verdict ${first.containment?.verdict}.`,
      'Each run: resolve, bind parameters, check signatures, merge, validate against the AWS catalog, escalation rules, exact containment in boundary ∩ delegator. No peer: no public engine synthesizes IAM policies from fragments with a proof.',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick'), log: (m) => console.error(m) });
  console.log(JSON.stringify(r, null, 2));
}
