/**
 * Realistic containment questions for the analysis benchmark: a delegator's permissions boundary
 * and a delegated admin's policy, each 10–50 statements with conditions, over the benchmark's
 * services (bench/workload/aws-services.ts). Deterministic (seeded).
 *
 * The boundary grants verb and service wildcards on a team's resource prefixes, some gated by
 * conditions (region, TLS, network zone, source IP, data sensitivity), and carries guard-rail
 * denies (other regions, IAM, deletion without MFA). The candidate narrows it: specific actions
 * the boundary's patterns cover, longer resource prefixes, the boundary's conditions or narrower
 * ones plus its own, and the guard rails copied (as real delegated policies do). Half the pairs
 * then get one realistic mistake: a resource outside the prefix, an action outside the grant, a
 * dropped condition, a wider CIDR, a missing guard rail. Which pairs are contained is decided by
 * the analyzers, not assumed from the construction.
 *
 * The subset of IAM used (what a peer encoding must model): Action and Resource lists with `*`
 * wildcards (`?` never), Allow and Deny; condition operators StringEquals, StringNotEquals,
 * StringLike, Bool, BoolIfExists, NumericLessThanEquals, IpAddress, NotIpAddress (IPv4 CIDRs);
 * single-valued keys only; no policy variables, no NotAction/NotResource, no Principal.
 */
import { Prng } from '../workload/prng.js';
import { ACCOUNT, SERVICES, type ServiceDef } from '../workload/aws-services.js';

export type Statement = { Sid: string; Effect: 'Allow' | 'Deny'; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string[]>> };
export type PolicyDocument = { Version: '2012-10-17'; Statement: Statement[] };

export interface AnalysisPair {
  readonly id: number;
  readonly candidate: PolicyDocument;
  readonly within: PolicyDocument;
  /** The mistake injected into the candidate, if any (it may or may not break containment). */
  readonly mutation: string | null;
  readonly statements: number;
}

const TEAM_REGIONS = ['eu-west-1', 'eu-central-1'];
const SERVICE_POOL = SERVICES.filter((s) => ['s3', 'dynamodb', 'lambda', 'sqs', 'sns', 'logs', 'kms', 'secretsmanager', 'ec2', 'ssm', 'states', 'events'].includes(s.prefix));
const VERBS = ['Get', 'List', 'Describe', 'Put', 'Update', 'Send', 'Receive', 'Invoke', 'Query', 'Delete', 'Create', 'Tag'];

interface Grant {
  readonly svc: ServiceDef;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: Record<string, Record<string, string[]>>;
}

function teamPrefix(svc: ServiceDef, team: string, region: string): string {
  // `arn:...:resource-prefix` with the team's name stem: arn fields never carry wildcards except region.
  const name = `${team}-${svc.stem}`;
  const arnRegion = svc.regional ? region : '';
  const account = svc.accountScoped ? ACCOUNT : '';
  return `arn:aws:${svc.arnService ?? svc.prefix}:${arnRegion}:${account}:${svc.resource.replace('{}', `${name}*`)}`;
}

function verbsOf(svc: ServiceDef): string[] {
  return VERBS.filter((v) => svc.actions.some((a) => a.startsWith(v)));
}

function boundaryCondition(rng: Prng): Record<string, Record<string, string[]>> | undefined {
  switch (rng.int(6)) {
    case 0:
      return { Bool: { 'aws:SecureTransport': ['true'] } };
    case 1:
      return { StringEquals: { 'tessera:NetworkZone': ['corporate', 'vpn'] } };
    case 2:
      return { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } };
    case 3:
      return { NumericLessThanEquals: { 'tessera:DataSensitivity': ['2'] } };
    default:
      return undefined;
  }
}

function narrowerCondition(c: Record<string, Record<string, string[]>> | undefined, rng: Prng): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, keys] of Object.entries(c ?? {})) {
    out[op] = {};
    for (const [k, values] of Object.entries(keys)) {
      let v = values;
      if (op === 'StringEquals' && values.length > 1) v = [values[rng.int(values.length)] as string];
      if (op === 'IpAddress') v = [rng.chance(0.5) ? '10.20.0.0/16' : '192.168.10.0/24'];
      if (op === 'NumericLessThanEquals') v = [String(rng.int(Number(values[0]) + 1))];
      (out[op] as Record<string, string[]>)[k] = v;
    }
  }
  // Conditions of the candidate's own.
  if (rng.chance(0.4)) out.StringEquals = { ...(out.StringEquals ?? {}), 'aws:PrincipalTag/team': ['payments'] };
  if (rng.chance(0.3)) out.StringLike = { 'aws:ResourceTag/project': ['alpha-*'] };
  if (rng.chance(0.2)) out.BoolIfExists = { 'aws:MultiFactorAuthPresent': ['true'] };
  return out;
}

function guardRails(rng: Prng): Statement[] {
  const rails: Statement[] = [
    { Sid: 'OnlyTeamRegions', Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { StringNotEquals: { 'aws:RequestedRegion': TEAM_REGIONS } } },
    { Sid: 'NoIam', Effect: 'Deny', Action: ['iam:*', 'organizations:*'], Resource: ['*'] },
  ];
  if (rng.chance(0.6)) rails.push({ Sid: 'NoDeleteWithoutMfa', Effect: 'Deny', Action: ['s3:DeleteObject', 'dynamodb:DeleteItem', 'lambda:DeleteFunction'], Resource: ['*'], Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': ['false'] } } });
  if (rng.chance(0.5)) rails.push({ Sid: 'OnlyFromOffices', Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16', '203.0.113.0/24'] } } });
  return rails;
}

function pickServices(rng: Prng, n: number): ServiceDef[] {
  const pool = [...SERVICE_POOL];
  const out: ServiceDef[] = [];
  while (out.length < n && pool.length > 0) out.push(...pool.splice(rng.int(pool.length), 1));
  return out;
}

export function analysisPairs(count: number, seed = 0xa11a5): AnalysisPair[] {
  const rng = new Prng(seed);
  const pairs: AnalysisPair[] = [];
  for (let id = 0; id < count; id++) {
    const size = rng.range(10, 51); // statements per policy, 10–50
    const team = ['payments', 'search', 'data', 'growth'][rng.int(4)] as string;
    const services = pickServices(rng, 3 + rng.int(6));
    const rails = guardRails(rng);
    const grants: Grant[] = [];
    while (grants.length + rails.length < size) {
      const svc = services[rng.int(services.length)] as ServiceDef;
      const verbs = verbsOf(svc);
      const wide = rng.chance(0.15);
      const actions = wide ? [`${svc.prefix}:*`] : [...new Set(Array.from({ length: 1 + rng.int(3) }, () => `${svc.prefix}:${verbs[rng.int(verbs.length)]}*`))];
      const region = TEAM_REGIONS[rng.int(2)] as string;
      const resources = [teamPrefix(svc, team, rng.chance(0.3) ? '*' : region)];
      const condition = boundaryCondition(rng);
      grants.push(condition === undefined ? { svc, actions, resources } : { svc, actions, resources, condition });
    }
    const within: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [...grants.map((g, i): Statement => ({ Sid: `Grant${i}`, Effect: 'Allow', Action: g.actions, Resource: g.resources, ...(g.condition ? { Condition: g.condition } : {}) })), ...rails],
    };
    // The candidate: narrowed grants plus the same guard rails.
    const candidateSize = rng.range(10, 51);
    const narrowed: Statement[] = [];
    while (narrowed.length + rails.length < candidateSize) {
      const g = grants[rng.int(grants.length)] as Grant;
      const matching = g.svc.actions.filter((a) => g.actions.some((p) => p.endsWith(':*') || `${g.svc.prefix}:${a}`.startsWith(p.slice(0, -1))));
      if (matching.length === 0) continue;
      const actions = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => `${g.svc.prefix}:${matching[rng.int(matching.length)]}`))];
      const resources = g.resources.map((r) => (rng.chance(0.6) ? r.replace(/\*$/, `-${['api', 'etl', 'web'][rng.int(3)]}*`) : r));
      const condition = narrowerCondition(g.condition, rng);
      narrowed.push({ Sid: `Use${narrowed.length}`, Effect: 'Allow', Action: actions, Resource: resources, ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}) });
    }
    let mutation: string | null = null;
    if (id % 2 === 1) mutation = mutate(narrowed, rails, rng, team);
    const candidate: PolicyDocument = { Version: '2012-10-17', Statement: [...narrowed, ...rails.filter((r) => !(mutation === 'dropped guard rail' && r.Sid === 'OnlyTeamRegions'))] };
    pairs.push({ id, candidate, within, mutation, statements: candidate.Statement.length + within.Statement.length });
  }
  return pairs;
}

/** One realistic mistake in a candidate statement (edits `narrowed` in place); returns its name. */
function mutate(narrowed: Statement[], _rails: readonly Statement[], rng: Prng, team: string): string {
  const s = narrowed[rng.int(narrowed.length)] as Statement;
  switch (rng.int(5)) {
    case 0:
      s.Resource = s.Resource.map((r) => r.replace(team, 'shared'));
      return 'resource outside the prefix';
    case 1: {
      const service = (s.Action[0] ?? 's3:x').split(':')[0];
      const svc = SERVICES.find((x) => x.prefix === service);
      const other = svc?.actions.find((a) => a.startsWith('Delete') || a.startsWith('Put') || a.startsWith('Create')) ?? 'DeleteObject';
      s.Action = [...s.Action, `${service}:${other}`];
      return 'action outside the grant';
    }
    case 2:
      delete s.Condition;
      return 'dropped condition';
    case 3:
      s.Condition = { ...(s.Condition ?? {}), IpAddress: { 'aws:SourceIp': ['0.0.0.0/0'] } };
      return 'wider CIDR';
    default:
      return 'dropped guard rail';
  }
}
