/**
 * Effective permissions under a full context must agree with the real authorizer: for random
 * (action, policy set, context, resource) the report allows the action on the resource exactly
 * when `createAuthorizer(...).authorize(...)` says Allow.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsCatalog } from '../../aws-catalog/index.js';
import { createAuthorizer, parsePolicy, type PolicyDocument, type PolicyType, type ServiceCatalog } from '../../policy/index.js';
import { allEntries, allowsResource, effectivePermissions, type EffectiveInput, type EffectivePermissions } from './index.js';

type Json = Readonly<Record<string, unknown>>;
const policy = (statements: readonly object[]): Json => ({ Version: '2012-10-17', Statement: statements });
const corp = { StringEquals: { 'tessera:NetworkZone': 'corporate' } };

const SETS: readonly { identity: Json[]; boundary?: Json; session?: Json }[] = [
  {
    identity: [
      policy([
        { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'], Condition: { ...corp, Bool: { 'tessera:DeviceManaged': 'true' } } },
        { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders' },
        { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/secret/*' },
      ]),
    ],
  },
  {
    identity: [policy([{ Effect: 'Allow', NotAction: ['iam:*', 'kms:*'], Resource: '*' }, { Effect: 'Deny', Action: 'ec2:Terminate*', Resource: '*', Condition: { StringNotEquals: { 'tessera:NetworkZone': 'corporate' } } }])],
    boundary: policy([{ Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*', 'ec2:Terminate*'], Resource: '*' }]),
  },
  {
    identity: [policy([{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::secret/*' }]), policy([{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }])],
    session: policy([{ Effect: 'Allow', Action: ['s3:*', 'kms:*', 'iam:*'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]),
  },
  {
    identity: [
      policy([
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:111122223333:key/*', Condition: { NumericLessThan: { 'tessera:DataSensitivity': '3' } } },
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::reports/*', Condition: { NumericGreaterThanEquals: { 'tessera:LocalHour/Europe/Berlin': '8' }, NumericLessThan: { 'tessera:LocalHour/Europe/Berlin': '18' } } },
        { Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'alice' } } },
        { Effect: 'Deny', Action: 'iam:Delete*', Resource: '*', Condition: { Bool: { 'tessera:DeviceManaged': 'false' } } },
      ]),
    ],
    boundary: policy([{ Effect: 'Allow', Action: ['kms:*', 's3:*', 'iam:*User*'], Resource: '*' }]),
  },
];

const RESOURCES = [
  '*',
  'arn:aws:s3:::reports',
  'arn:aws:s3:::reports/q3.csv',
  'arn:aws:s3:::reports/secret/x',
  'arn:aws:s3:::secret/y',
  'arn:aws:dynamodb:eu-west-1:111122223333:table/orders',
  'arn:aws:dynamodb:eu-west-1:111122223333:table/other',
  'arn:aws:kms:eu-west-1:111122223333:key/k1',
  'arn:aws:ec2:eu-west-1:111122223333:instance/i-1',
  'arn:aws:iam::111122223333:user/bob',
];
const FOCUS = ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 'dynamodb:GetItem', 'kms:Decrypt', 'ec2:TerminateInstances', 'ec2:DescribeInstances', 'iam:CreateUser', 'iam:DeleteUser'];
const PRINCIPAL = 'arn:aws:iam::111122223333:user/alice';

/** mulberry32: a seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parsed(json: Json, policyType: PolicyType): PolicyDocument {
  const r = parsePolicy(json, { policyType });
  if (r.document === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.document;
}

let catalog: ServiceCatalog;
let actions: string[];
beforeAll(async () => {
  catalog = await loadAwsCatalog(['s3', 'dynamodb', 'iam', 'kms', 'ec2']);
  actions = ['s3', 'dynamodb', 'iam', 'kms', 'ec2'].flatMap((p) => [...(catalog.service(p)?.actions.values() ?? [])].map((a) => `${p}:${a.name}`));
});

describe('agreement with the authorizer', () => {
  it('matches authorize() on 200 random requests under full contexts', () => {
    const next = rng(20260926);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const cache = new Map<string, EffectivePermissions>();
    let allowed = 0;
    for (let i = 0; i < 200; i++) {
      const setIndex = Math.floor(next() * SETS.length);
      const set = SETS[setIndex] ?? SETS[0];
      if (set === undefined) throw new Error('no set');
      const context = {
        'tessera:NetworkZone': pick(['corporate', 'internet']),
        'tessera:DeviceManaged': pick(['true', 'false']),
        'tessera:LocalHour/Europe/Berlin': pick(['10', '23']),
        'tessera:DataSensitivity': pick(['1', '4']),
        'aws:SourceIp': pick(['10.1.2.3', '203.0.113.9']),
      };
      const action = next() < 0.5 ? pick(FOCUS) : pick(actions);
      const resource = pick(RESOURCES);
      const key = `${setIndex}|${JSON.stringify(context)}`;
      let e = cache.get(key);
      if (e === undefined) {
        const input: EffectiveInput = {
          identity: set.identity.map((p) => parsed(p, 'identity')),
          ...(set.boundary !== undefined ? { boundary: parsed(set.boundary, 'boundary') } : {}),
          ...(set.session !== undefined ? { session: parsed(set.session, 'session') } : {}),
        };
        e = effectivePermissions(input, catalog, { context, principal: PRINCIPAL });
        cache.set(key, e);
      }
      const entry = allEntries(e).find((a) => a.action === action);
      const answer = entry === undefined ? false : allowsResource(entry, resource);
      // Under a full context nothing stays open.
      expect(answer).not.toBe('conditional');
      const authorizer = createAuthorizer({ identity: set.identity, boundary: set.boundary ?? null, session: set.session ?? null });
      const decision = authorizer.authorize({ principal: PRINCIPAL, action, resource, context }).decision;
      expect(answer, `${action} on ${resource} with set ${setIndex} under ${JSON.stringify(context)}`).toBe(decision === 'Allow');
      if (answer === true) allowed++;
    }
    // The sample must exercise both outcomes to mean anything.
    expect(allowed).toBeGreaterThan(20);
    expect(allowed).toBeLessThan(180);
  });
});
