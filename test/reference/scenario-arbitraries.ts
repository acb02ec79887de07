/**
 * fast-check arbitraries for random (request, policies) pairs over the finite universe in
 * scenario-universe.ts, for differential tests of the compiled authorizer against the reference
 * interpreter. Weights are tuned so that Allow, ExplicitDeny and ImplicitDeny all occur often
 * (reference-evaluator.test.ts checks the distribution).
 */
import fc from 'fast-check';
import type { AuthorizationRequest, ContextValue, PolicyInput, PolicySetInput } from '../../src/policy/request.js';
import type { OperatorFamily, ValueFamily } from './scenario-universe.js';
import { finiteUniverse } from './scenario-universe.js';

export { finiteUniverse } from './scenario-universe.js';
export type { FiniteUniverse } from './scenario-universe.js';

export interface Scenario {
  readonly request: AuthorizationRequest;
  readonly policies: PolicySetInput;
}

type Json = Record<string, unknown>;
const U = finiteUniverse;
const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...items);

/** `arb` with probability `percent`%, else undefined. */
function sometimes<T>(percent: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: arb, weight: percent }, { arbitrary: fc.constant(undefined), weight: 100 - percent });
}

const oneOrMore = <T>(arb: fc.Arbitrary<T>, max: number): fc.Arbitrary<T | T[]> =>
  fc.oneof({ arbitrary: arb, weight: 3 }, { arbitrary: fc.array(arb, { minLength: 1, maxLength: max }), weight: 1 });

// ---- requests ----

const contextArb: fc.Arbitrary<Record<string, ContextValue>> = fc
  .tuple(
    ...U.contextKeys.map((spec) =>
      fc.tuple(
        pick(spec.spellings),
        // 40% missing, 5% an empty list (= missing), 55% a value.
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 40 },
          { arbitrary: fc.constant<ContextValue>([]), weight: 5 },
          { arbitrary: pick<ContextValue>(spec.values), weight: 55 },
        ),
      ),
    ),
  )
  .map((entries) => Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Record<string, ContextValue>);

const requestArb: fc.Arbitrary<AuthorizationRequest> = fc
  .record({
    principal: pick(U.principals),
    action: pick(U.actions),
    resource: pick(U.resources),
    // Mostly the default (same account), so that cross-account requests do not dominate.
    resourceAccount: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: pick(U.resourceAccounts), weight: 2 }),
    context: contextArb,
  })
  .map(({ principal, action, resource, resourceAccount, context }) => ({
    principal,
    action,
    resource,
    // A service principal has no account: leave its resource account to the default.
    ...(resourceAccount === undefined || !principal.startsWith('arn:') ? {} : { resourceAccount }),
    context,
  }));

// ---- conditions ----

const FAMILY_WEIGHTS: readonly [ValueFamily, number][] = [['string', 6], ['numeric', 2], ['date', 2], ['bool', 2], ['binary', 1], ['ip', 2], ['arn', 2], ['null', 2]];

/** One `operator: { key: values }` entry, with IfExists and set operators where they are settled. */
const conditionEntryArb: fc.Arbitrary<[string, string, unknown]> = fc
  .oneof(...FAMILY_WEIGHTS.map(([name, weight]) => ({ arbitrary: fc.constant<OperatorFamily>(U.operatorFamilies[name]), weight })))
  .chain((family) =>
    fc.tuple(
      pick(family.operators),
      // Mostly the family's own keys; sometimes any key (a value of the wrong type matches nothing).
      fc.oneof({ arbitrary: pick(family.keys), weight: 9 }, { arbitrary: pick(U.operatorFamilies.string.keys), weight: 1 }),
      oneOrMore(pick(family.values), 3),
      fc.constantFrom<'' | 'ForAnyValue:' | 'ForAllValues:'>('', '', '', 'ForAnyValue:', 'ForAllValues:'),
      fc.integer({ min: 1, max: 5 }).map((n) => n === 1),
    ),
  )
  .map(([operator, key, values, set, withIfExists]) => {
    // Null takes neither a set operator nor IfExists (semantics.md: it ignores them; the validator reports them).
    if (operator === 'Null') return ['Null', key, values];
    // IfExists on a fifth of the operators, never with ForAnyValue (a missing key is unsettled there).
    const ifExists = withIfExists && set !== 'ForAnyValue:' ? 'IfExists' : '';
    return [`${set}${operator}${ifExists}`, key, values];
  });

const conditionArb: fc.Arbitrary<Json> = fc.array(conditionEntryArb, { minLength: 1, maxLength: 3 }).map((entries) => {
  const condition: Record<string, Json> = {};
  for (const [operator, key, values] of entries) (condition[operator] ??= {})[key] = values;
  return condition;
});

// ---- statements and policies ----

/** Which policy a statement is for: resource policies need Principal/NotPrincipal, RCPs Principal "*". */
type Kind = 'identity' | 'resource' | 'scp' | 'rcp';

const oneIn = (n: number): fc.Arbitrary<boolean> => fc.integer({ min: 1, max: n }).map((x) => x === 1);

/** Patterns are drawn from the universe, or (half of the time) are the request's own action or resource, so that statements match often. */
function statementArb(kind: Kind, allowPercent: number, request: AuthorizationRequest): fc.Arbitrary<Json> {
  const near = <T>(items: readonly T[], exact: T): fc.Arbitrary<T> => fc.oneof({ arbitrary: pick(items), weight: 1 }, { arbitrary: fc.constant(exact), weight: 1 });
  return fc
    .record({
      allow: fc.integer({ min: 1, max: 100 }).map((n) => n <= allowPercent),
      notAction: oneIn(10),
      actions: oneOrMore(near<string>(U.actionPatterns, request.action), 2),
      notResource: oneIn(10),
      resources: oneOrMore(near<string>(U.resourcePatterns, request.resource), 2),
      principal: pick<unknown>(U.principalElements),
      notPrincipal: pick<unknown>(U.notPrincipalElements),
      useNotPrincipal: oneIn(4),
      condition: sometimes(45, conditionArb),
      sid: sometimes(30, fc.constantFrom('S1', 'S2', 'Stmt')),
    })
    .map((s) => {
      const statement: Json = {};
      if (s.sid !== undefined) statement.Sid = s.sid;
      statement.Effect = s.allow ? 'Allow' : 'Deny';
      // NotPrincipal only with Deny: Allow + NotPrincipal is not settled by semantics.md.
      if (kind === 'resource' && !s.allow && s.useNotPrincipal) statement.NotPrincipal = s.notPrincipal;
      else if (kind === 'resource') statement.Principal = s.principal;
      // AWS accepts only Principal "*" in RCPs.
      if (kind === 'rcp') statement.Principal = '*';
      statement[s.notAction ? 'NotAction' : 'Action'] = s.actions;
      statement[s.notResource ? 'NotResource' : 'Resource'] = s.resources;
      if (s.condition !== undefined) statement.Condition = s.condition;
      return statement;
    });
}

/** The AWS-managed FullAWSAccess / RCPFullAWSAccess statement that organizations usually keep. */
function fullAccess(kind: Kind): Json {
  return kind === 'rcp' ? { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' } : { Effect: 'Allow', Action: '*', Resource: '*' };
}

function documentArb(kind: Kind, allowPercent: number, maxStatements: number, request: AuthorizationRequest): fc.Arbitrary<PolicyInput> {
  const org = kind === 'scp' || kind === 'rcp';
  return fc
    .record({
      statements: fc.array(statementArb(kind, allowPercent, request), { minLength: 1, maxLength: maxStatements }),
      version: pick(U.versions),
      single: fc.boolean(),
      asText: oneIn(4),
      withFullAccess: fc.integer({ min: 1, max: 10 }).map((n) => n <= 8),
    })
    .map(({ statements, version, single, asText, withFullAccess }) => {
      // IAM requires distinct Sids within a document: number repeats (S1, S1 → S1, S1x1).
      const seen = new Set<string>();
      for (const [i, st] of statements.entries()) {
        const sid = st.Sid;
        if (typeof sid !== 'string') continue;
        const unique = seen.has(sid) ? `${sid}x${i}` : sid;
        st.Sid = unique;
        seen.add(unique);
      }
      const all = org && withFullAccess ? [fullAccess(kind), ...statements] : statements;
      const doc: Json = {};
      if (version !== undefined) doc.Version = version;
      doc.Statement = single && all.length === 1 ? all[0] : all;
      // About a quarter of the documents as JSON text, as a scenario file may give them.
      return asText ? JSON.stringify(doc) : doc;
    });
}

const singleOrList = (arb: fc.Arbitrary<PolicyInput>): fc.Arbitrary<PolicyInput | PolicyInput[]> =>
  fc.oneof(arb, arb.map((doc) => [doc]));

/** Organization levels (root first), each one or two documents: FullAWSAccess (usually) and random statements, half of them Deny. */
const levelsArb = (kind: 'scp' | 'rcp', request: AuthorizationRequest): fc.Arbitrary<PolicyInput[][]> =>
  fc.array(fc.array(documentArb(kind, 50, 2, request), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 });

/** Which policy types are present, and how often; absent ones are sometimes written as null. */
const policiesArb = (request: AuthorizationRequest) =>
  fc.record({
    identity: sometimes(85, fc.array(documentArb('identity', 88, 3, request), { minLength: 1, maxLength: 2 })),
    boundary: sometimes(25, singleOrList(documentArb('identity', 85, 2, request))),
    session: sometimes(15, singleOrList(documentArb('identity', 85, 2, request))),
    resource: sometimes(40, singleOrList(documentArb('resource', 80, 3, request))),
    scp: sometimes(30, levelsArb('scp', request)),
    rcp: sometimes(20, levelsArb('rcp', request)),
    absentAsNull: oneIn(5),
  });

/** A random request and policy set over `finiteUniverse`. */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = requestArb.chain((request) => policiesArb(request).map((drawn) => toScenario(request, drawn)));

function toScenario(request: AuthorizationRequest, drawn: { absentAsNull: boolean } & Record<string, unknown>): Scenario {
  const { absentAsNull, ...types } = drawn;
  const isRoot = request.principal.endsWith(':root');
  const policies: Record<string, unknown> = {};
  for (const [type, value] of Object.entries(types)) {
    // The root user has no permissions boundary or session policy.
    const absent = value === undefined || (isRoot && (type === 'boundary' || type === 'session'));
    if (!absent) policies[type] = value;
    else if (absentAsNull) policies[type] = null;
  }
  return { request, policies: policies as PolicySetInput };
}
