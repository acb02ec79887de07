/**
 * `npm run bench -- server`: decisions over HTTP. The control plane runs in this process (SQLite in
 * memory, a service token, the real authentication, rate limiter, schema validation, role check
 * and policy cache), and autocannon drives `POST /v1/authorize` on loopback from a worker thread
 * for ~10 s, cycling through requests that are allowed, explicitly denied and implicitly denied
 * under a realistic policy set (identity policy with conditions and variables, a permissions
 * boundary, two SCP levels). Then the same against `/v1/authorize/batch` with 100 requests a call,
 * which counts decisions, not calls; and single decisions by assignment, the bodies carrying only
 * the request. Last, single decisions again on a second server that audits
 * every denied decision (as `tessera serve` does by default) into a SQLite file.
 *
 * Targets (issue 8): at least 10,000 decisions/s with p99 ≤ 10 ms and no errors, on 2 cores. The
 * load generator shares those cores with the server, and the machine may be shared: the load
 * average before and after the run is recorded with the result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { createToken, startServer } from '../src/server/index.js';
import { openSqliteControlPlane } from '../src/store/index.js';
import type { BenchOptions, BenchResult } from './lib/types.js';
import { target } from './lib/types.js';

const ACCOUNT = '111122223333';

const IDENTITY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ReadTeamReports', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/${aws:PrincipalTag/team}/*'], Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } } },
    { Sid: 'WriteOwnPrefix', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::uploads/${aws:username}/*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    { Sid: 'Orders', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], Resource: `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/orders`, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:PrincipalTag/tenant}'] } } },
    { Sid: 'Queues', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:eu-central-1:${ACCOUNT}:orders-*` },
    { Sid: 'Keys', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: `arn:aws:kms:eu-central-1:${ACCOUNT}:key/*`, Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } } },
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/app/*` },
    { Sid: 'WorkHours', Effect: 'Allow', Action: 'ec2:StartInstances', Resource: `arn:aws:ec2:eu-central-1:${ACCOUNT}:instance/*`, Condition: { NumericGreaterThanEquals: { 'tessera:LocalHour/Europe/Berlin': '9' }, NumericLessThan: { 'tessera:LocalHour/Europe/Berlin': '18' } } },
    { Sid: 'NoSecretsDelete', Effect: 'Deny', Action: 'secretsmanager:DeleteSecret', Resource: '*' },
    { Sid: 'NoIamWrites', Effect: 'Deny', Action: ['iam:Create*', 'iam:Put*', 'iam:Attach*'], Resource: '*' },
  ],
};
const BOUNDARY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'TeamBoundary', Effect: 'Allow', Action: ['s3:*', 'dynamodb:*', 'sqs:*', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:*', 'ec2:StartInstances', 'secretsmanager:*'], Resource: '*' }],
};
const SCP_ROOT = { Version: '2012-10-17', Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }] };
const SCP_OU = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'EuOnly', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] } } },
    { Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' },
  ],
};
export const POLICIES = { identity: [IDENTITY], boundary: BOUNDARY, scp: [[SCP_ROOT], [SCP_OU]] };

const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
const context = { 'aws:SourceIp': '10.1.2.3', 'aws:PrincipalTag/team': 'finance', 'aws:PrincipalTag/tenant': 't-42', 'aws:RequestedRegion': 'eu-central-1', 'aws:username': 'alice', 'aws:MultiFactorAuthPresent': 'true' };
export const REQUESTS = [
  { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/finance/q3.csv', context },
  { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/hr/salaries.csv', context },
  { principal: alice, action: 's3:PutObject', resource: 'arn:aws:s3:::uploads/alice/a.txt', context },
  { principal: alice, action: 'dynamodb:Query', resource: `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/orders`, context: { ...context, 'dynamodb:LeadingKeys': ['t-42'] } },
  { principal: alice, action: 'sqs:SendMessage', resource: `arn:aws:sqs:eu-central-1:${ACCOUNT}:orders-eu`, context },
  { principal: alice, action: 'secretsmanager:DeleteSecret', resource: `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:db`, context },
  { principal: alice, action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/mallory`, context },
  { principal: alice, action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-us`, context: { ...context, 'aws:RequestedRegion': 'us-east-1' } },
];

const BATCH = 100;

interface Run {
  rps: number;
  /** Main-thread (server) busy time per call, from the event loop's utilization: what a free core would pay. */
  serverUsPerCall: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

async function load(url: string, token: string, path: string, bodies: readonly unknown[], seconds: number, connections: number): Promise<Run> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const elu = performance.eventLoopUtilization();
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    // A worker thread: the load generator must not share the server's event loop.
    workers: 1,
    requests: bodies.map((b) => ({ method: 'POST' as const, path, headers, body: JSON.stringify(b) })),
  });
  const busy = performance.eventLoopUtilization(elu);
  return { serverUsPerCall: (busy.active * 1000) / Math.max(1, r.requests.total), rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, requests: r.requests.total };
}

export async function run(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? (() => undefined);
  const seconds = options.quick ? 2 : 10;
  const connections = 16;
  const store = await openSqliteControlPlane(':memory:');
  const { token } = await createToken(store, { principal: 'service/bench', role: 'service', at: new Date() });
  const server = await startServer({ store, port: 0 });
  const loadBefore = loadavg()[0] ?? 0;
  try {
    // Warm-up: the first calls compile the set, build the plans, verify the token (scrypt) once.
    const scenarios = REQUESTS.map((request) => ({ request, policies: POLICIES }));
    await load(server.url, token, '/v1/authorize', scenarios, 1, connections);
    log(`single decisions for ${seconds} s, ${connections} connections`);
    const single = await load(server.url, token, '/v1/authorize', scenarios, seconds, connections);
    log(`single decisions by assignment (no policies in the body) for ${seconds} s`);
    await assign(store);
    const bare = REQUESTS.map((request) => ({ request }));
    // The assigned set must decide as the inline one does, or this row would time denials of
    // nothing. The last request is the one the SCP denies (us-east-1); without SCPs the identity
    // policy does not allow it either.
    for (const [i, body] of bare.entries()) {
      const viaBody = await decisionOf(server.url, token, scenarios[i]);
      const viaAssignment = await decisionOf(server.url, token, body);
      const expected = i === REQUESTS.length - 1 ? 'ImplicitDeny' : viaBody;
      if (viaAssignment !== expected) throw new Error(`request ${i}: ${viaAssignment} by assignment, ${viaBody} with the set in the body`);
    }
    await load(server.url, token, '/v1/authorize', bare, 1, connections);
    const assigned = await load(server.url, token, '/v1/authorize', bare, seconds, connections);
    const batchBody = { policies: POLICIES, requests: Array.from({ length: BATCH }, (_, i) => REQUESTS[i % REQUESTS.length]) };
    log(`batches of ${BATCH} for ${seconds} s`);
    const batch = await load(server.url, token, '/v1/authorize/batch', [batchBody], seconds, 4);
    log(`single decisions with denials audited (serve's default), SQLite file, for ${seconds} s`);
    const audited = await auditedRun(scenarios, seconds, connections);
    const loadAfter = loadavg()[0] ?? 0;
    const statements = IDENTITY.Statement.length + BOUNDARY.Statement.length + SCP_ROOT.Statement.length + SCP_OU.Statement.length;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    return {
      name: 'server',
      title: 'decisions over HTTP: POST /v1/authorize on loopback (autocannon)',
      table: {
        columns: ['endpoint', 'decisions/s', 'calls/s', 'p50 latency', 'p99 latency', 'errors + non-2xx', 'server time per call'],
        rows: [
          ['/v1/authorize', fmt(single.rps), fmt(single.rps), `${single.p50} ms`, `${single.p99} ms`, String(single.errors + single.non2xx), `${single.serverUsPerCall.toFixed(0)} µs`],
          ['/v1/authorize by assignment (no policies in the body)', fmt(assigned.rps), fmt(assigned.rps), `${assigned.p50} ms`, `${assigned.p99} ms`, String(assigned.errors + assigned.non2xx), `${assigned.serverUsPerCall.toFixed(0)} µs`],
          [`/v1/authorize/batch (${BATCH} a call)`, fmt(batch.rps * BATCH), fmt(batch.rps), `${batch.p50} ms`, `${batch.p99} ms`, String(batch.errors + batch.non2xx), `${batch.serverUsPerCall.toFixed(0)} µs`],
          ['/v1/authorize, denials audited (SQLite file)', fmt(audited.run.rps), fmt(audited.run.rps), `${audited.run.p50} ms`, `${audited.run.p99} ms`, String(audited.run.errors + audited.run.non2xx), `${audited.run.serverUsPerCall.toFixed(0)} µs`],
        ],
      },
      metrics: {
        seconds, connections, statements, singleRps: single.rps, singleP50Ms: single.p50, singleP99Ms: single.p99, singleErrors: single.errors, singleNon2xx: single.non2xx, singleRequests: single.requests, singleServerUsPerCall: single.serverUsPerCall,
        assignedRps: assigned.rps, assignedP99Ms: assigned.p99, assignedErrors: assigned.errors + assigned.non2xx, assignedServerUsPerCall: assigned.serverUsPerCall,
        batchCallsPerSecond: batch.rps, batchDecisionsPerSecond: batch.rps * BATCH, batchP50Ms: batch.p50, batchP99Ms: batch.p99, batchErrors: batch.errors, batchNon2xx: batch.non2xx, batchServerUsPerCall: batch.serverUsPerCall,
        auditedRps: audited.run.rps, auditedP50Ms: audited.run.p50, auditedP99Ms: audited.run.p99, auditedErrors: audited.run.errors, auditedNon2xx: audited.run.non2xx, auditedRecords: audited.records,
        loadAverageBefore: loadBefore, loadAverageAfter: loadAfter,
      },
      targets: [
        target('/v1/authorize decisions per second', single.rps, '>=', 10_000, '/s'),
        target('/v1/authorize p99 latency', single.p99, '<=', 10, 'ms'),
        target('/v1/authorize errors and non-2xx', single.errors + single.non2xx, '<=', 0, ''),
        target('/v1/authorize by assignment decisions per second', assigned.rps, '>=', 10_000, '/s'),
        target('/v1/authorize by assignment errors and non-2xx', assigned.errors + assigned.non2xx, '<=', 0, ''),
        target('/v1/authorize/batch decisions per second', batch.rps * BATCH, '>=', 10_000, '/s'),
        target('/v1/authorize decisions per second, denials audited', audited.run.rps, '>=', 10_000, '/s'),
        target('/v1/authorize p99 latency, denials audited', audited.run.p99, '<=', 10, 'ms'),
      ],
      notes: [
        `Server and load generator in one process (autocannon in a worker thread), ${connections} connections, ${seconds} s after a 1 s warm-up; one service token (verified once, then cached), rate limiter on with its default limit.`,
        `Policy set: ${statements} statements (identity with IP, MFA, tag-variable, ForAllValues and local-time conditions; a boundary; two SCP levels); ${REQUESTS.length} requests cycled (Allow, ExplicitDeny, ImplicitDeny).`,
        `Server time per call: the main thread's busy time (event-loop utilization) over the calls served — parsing, validation, authentication, the role check, the decision, serialization and Node's HTTP work. Busy time includes moments the thread was runnable but preempted by other work on the machine, so it overstates the cost: one core free of other work sustains at least ${(1e6 / single.serverUsPerCall).toFixed(0)} calls/s.`,
        `By assignment: the identity policy stored as the active version of a synthesized policy under the boundary and assigned to the requests' principal (an assigned set has no SCPs, so the last request is an implicit deny there); the bodies carry only the request, as a service's calls would (the set is compiled once per principal; the store's revision is checked once a second).`,
        `Denials audited: a second server on a SQLite file (WAL) with serve's default decision auditing (every denied decision, no allowed sample); ${audited.records.toLocaleString('en-US')} audit records were written during that run, each hash-chained to the one before.`,
        `1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after: the machine was shared with other work, which lowers the numbers.`,
      ],
    };
  } finally {
    await server.close();
  }
}

async function decisionOf(url: string, token: string, body: unknown): Promise<string> {
  const r = await fetch(`${url}/v1/authorize`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return ((await r.json()) as { decision: string }).decision;
}

/**
 * The policy set as the server keeps it for a principal: the identity policy as the active
 * version of a synthesized policy under the boundary, assigned to alice. Written through the store
 * (what the workflow would leave behind; the bench measures decisions, not synthesis). The SCPs
 * are not part of an assigned set, so these decisions skip the two SCP levels.
 */
async function assign(store: Awaited<ReturnType<typeof openSqliteControlPlane>>): Promise<void> {
  const actor = (by: string) => ({ by, at: new Date().toISOString() });
  const b = await store.policies.putBoundary('bench-boundary', BOUNDARY, actor('user/admin'), 'bench');
  await store.policies.addPolicyVersion({ id: 'bench-alice', team: 'bench', request: { fragments: [], boundary: { id: b.id, version: b.version }, riskBudget: null }, documents: [IDENTITY], verdict: {}, risk: 0 }, actor('user/lead'));
  await store.policies.transition('bench-alice', 1, 'submit', actor('user/lead'));
  await store.policies.transition('bench-alice', 1, 'approve', actor('user/approver'));
  await store.policies.transition('bench-alice', 1, 'activate', actor('user/approver'));
  await store.policies.setAssignment(alice, ['bench-alice'], actor('user/admin'));
}

/** Single decisions against a server that audits every denial (serve's default) into a SQLite file. */
async function auditedRun(scenarios: readonly unknown[], seconds: number, connections: number): Promise<{ run: Run; records: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-audit-'));
  const store = await openSqliteControlPlane(join(dir, 'tessera.db'));
  try {
    const { token } = await createToken(store, { principal: 'service/bench', role: 'service', at: new Date() });
    const server = await startServer({ store, port: 0, auditDecisions: { denied: true, allowedSample: 0 } });
    try {
      await load(server.url, token, '/v1/authorize', scenarios, 1, connections);
      const before = (await store.audit.head())?.seq ?? 0;
      const run = await load(server.url, token, '/v1/authorize', scenarios, seconds, connections);
      const records = ((await store.audit.head())?.seq ?? 0) - before;
      return { run, records };
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
