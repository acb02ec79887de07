/**
 * `tessera demo`: what `npm start` runs until the server lands — the CLI's help and a few decisions
 * on a built-in scenario, with their explanations.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { contentHash, synthesize, type FragmentContent, type FragmentVersion } from '../../fragments/index.js';
import { Analyzer } from '../../policy-analysis/index.js';
import { formatRequest } from '../format-analysis.js';
import { createAuthorizer, type AuthorizationRequest } from '../../policy/index.js';
import { formatDecision } from '../format-decision.js';
import type { CliIO } from '../io.js';

const IDENTITY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadTeamReports",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/\${aws:PrincipalTag/team}/*"],
      "Condition": { "IpAddress": { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] } }
    },
    {
      "Sid": "NeverDeleteWithoutMfa",
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*",
      "Condition": { "BoolIfExists": { "aws:MultiFactorAuthPresent": "false" } }
    }
  ]
}`;

const SCP = `{ "Version": "2012-10-17", "Statement": [ { "Sid": "EuOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
  "Condition": { "StringNotEquals": { "aws:RequestedRegion": ["eu-central-1", "eu-west-1"] } } },
  { "Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*" } ] }`;

const alice = 'arn:aws:iam::111122223333:user/alice';
const REQUESTS: AuthorizationRequest[] = [
  { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/finance/q3.csv', context: { 'aws:SourceIp': '10.1.2.3', 'aws:PrincipalTag/team': 'finance', 'aws:RequestedRegion': 'eu-central-1' } },
  { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/hr/salaries.csv', context: { 'aws:SourceIp': '10.1.2.3', 'aws:PrincipalTag/team': 'finance', 'aws:RequestedRegion': 'eu-central-1' } },
  { principal: alice, action: 's3:DeleteObject', resource: 'arn:aws:s3:::reports/finance/q3.csv', context: { 'aws:RequestedRegion': 'eu-central-1' } },
];

export function registerDemo(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('show the CLI and a few explained decisions on a built-in scenario (what `npm start` runs)')
    .action(async () => {
      io.stdout(program.helpInformation() + '\n');
      const authz = createAuthorizer({ identity: [IDENTITY], scp: [[SCP]] });
      io.stdout('Demo: alice (team finance) and an identity policy + SCP\n\n');
      const sources = new Map([['identity[0]', IDENTITY], ['scp[0][0]', SCP]]);
      for (const r of REQUESTS) io.stdout(formatDecision(r, authz.authorize(r), sources, 'identity[0]') + '\n');
      io.stdout('Try: tessera authorize --scenario examples/scenarios/cross-account-read.json\n\n');
      await synthesisDemo(io);
    });
}

const CATALOG = join(import.meta.dirname, '..', '..', '..', 'catalog', 'fragments');
const TEAM_BOUNDARY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'TeamData', Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'dynamodb:*'], Resource: ['arn:aws:s3:::acme-*', 'arn:aws:s3:::acme-*/*', 'arn:aws:dynamodb:*:111122223333:table/*'] },
  ],
};

/** A delegated admin composes starter fragments (approved here, in memory) under a team boundary. */
async function synthesisDemo(io: CliIO): Promise<void> {
  const versions = new Map<string, FragmentVersion>();
  for (const f of (await readdir(CATALOG)).filter((n) => n.endsWith('.json'))) {
    const content = JSON.parse(await readFile(join(CATALOG, f), 'utf8')) as FragmentContent;
    versions.set(content.id, { id: content.id, version: 1, hash: contentHash(content), status: 'approved', content, createdAt: '2026-01-01T00:00:00Z', createdBy: 'demo', history: [], actions: [] });
  }
  const env = { analyzer: new Analyzer(), resolve: (ref: { id: string }) => versions.get(ref.id) };
  const read = (bucket: string) => ({ ref: { id: 's3-read-prefix', version: 1 }, params: { bucket, prefix: 'finance', account: '111122223333' } });
  const table = { ref: { id: 'dynamodb-read-table', version: 1 }, params: { table: 'orders', region: 'eu-west-1', account: '111122223333' } };
  io.stdout(`Demo: a delegated admin composes fragments from catalog/fragments/ within the team boundary\n  ${JSON.stringify(TEAM_BOUNDARY.Statement[0])}\n\n`);
  const ok = synthesize({ fragments: [read('acme-reports'), table], boundary: TEAM_BOUNDARY }, env);
  const statements = (ok.policies ?? []).reduce((n, p) => n + (p.Statement as unknown[]).length, 0);
  io.stdout(`s3-read-prefix@1 (bucket acme-reports) + dynamodb-read-table@1 → ${statements} statements, ${ok.containment?.verdict === 'contained' ? 'PROVEN within the boundary under every context' : ok.diagnostics.map((d) => d.message).join('; ')}\n`);
  const bad = synthesize({ fragments: [read('payroll'), table], boundary: TEAM_BOUNDARY }, env);
  io.stdout(`s3-read-prefix@1 (bucket payroll) + dynamodb-read-table@1 → REFUSED: ${bad.diagnostics.map((d) => d.code).join(', ')}\n`);
  if (bad.containment?.verdict === 'not-contained') io.stdout(`counterexample (the evaluator confirms it):\n${formatRequest(bad.containment.counterexample)}\n`);
  io.stdout('\nTry: tessera fragment add catalog/fragments/*.json --by you, then tessera synth --help\n');
}
