/**
 * A deterministic IAM identity-policy workload for benchmarking authorizers.
 *
 * An authorizer is compiled per principal, so the workload is ONE policy set (`identity`: many
 * documents of 5–25 statements) decided for requests from one principal. The statements look like
 * the identity policies of a large organisation: ~40 services with their real actions, some
 * `Get*`/`Describe*` wildcards and a few `service:*`, specific ARNs with wildcards
 * (`arn:aws:s3:::bucket-17/*`, `...:table/orders-3*`, region `*`), some `Resource: "*"`, ~10% Deny
 * guard rails, and conditions on most statements.
 *
 * Requests mix aimed hits (context built to satisfy one Allow or Deny statement), near misses (an
 * aimed request with one condition broken) and random traffic (mostly ImplicitDeny).
 *
 * The workload never uses `?` wildcards, NotAction/NotResource or policy variables, so that the
 * Cedar translation (to-cedar.ts) can be exact.
 */
import type { AuthorizationRequest, PolicySetInput } from '../../src/index.js';
import { ACCOUNT, ACTION_UNIVERSE, REGIONS, SERVICES, arnOf, type ServiceDef } from './aws-services.js';
import { allowConditions, baselineContext, conditionBlock, denyConditions, type Context, type GenCondition } from './conditions.js';
import { Prng, deriveSeed } from './prng.js';

export type IamStatement = {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

export type IamPolicyDocument = { Version: '2012-10-17'; Statement: IamStatement[] };

export interface WorkloadOptions {
  readonly statements: number;
  readonly requests: number;
  /** Base seed; the stream also depends on `statements`, so each size is its own fixed workload. */
  readonly seed?: number;
}

export interface IamWorkload {
  readonly seed: number;
  readonly statementCount: number;
  readonly principal: string;
  readonly documents: readonly IamPolicyDocument[];
  /** The documents as the authorizer's input: one identity policy set. */
  readonly policies: PolicySetInput;
  readonly requests: readonly AuthorizationRequest[];
  /** The closed set of actions the requests use (what wildcard actions are expanded against). */
  readonly actionUniverse: readonly string[];
  /** How each request was made (aimed at an Allow, aimed at a Deny, near miss, random). */
  readonly requestKinds: readonly RequestKind[];
}

export type RequestKind = 'aimedAllow' | 'aimedDeny' | 'nearMiss' | 'random';

export const DEFAULT_SEED = 0x7e55e7a;
export const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** A Resource pattern and a way to draw a concrete ARN it matches. */
interface GenResource {
  readonly pattern: string;
  instance(rng: Prng): string;
}

/** A statement in generator form: what it renders to, plus what requests need to aim at it. */
interface GenStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly service: ServiceDef;
  readonly actions: readonly string[];
  /** Concrete actions of the universe matched by `actions`. */
  readonly matchedActions: readonly string[];
  readonly resources: readonly GenResource[] | '*';
  readonly conditions: readonly GenCondition[];
}

/**
 * How broad statements may be. Organisation-wide grants and guard rails (`Resource: "*"`,
 * `service:*` denies, `orders-*`) are a handful in any account, not a fixed share of it: their
 * probability falls as 1/N so that larger sets add specific statements, not blanket ones, and the
 * Allow / ExplicitDeny / ImplicitDeny mix stays comparable between sizes.
 */
interface Shape {
  readonly names: number;
  /** 1 at 1,000 statements, 0.1 at 10,000. */
  readonly broad: number;
}

/** Resource names per service (enough that most statements name different resources) and breadth. */
const shapeOf = (statements: number): Shape => ({
  names: Math.max(10, Math.ceil(statements / SERVICES.length / 2)),
  broad: Math.min(1, 1000 / Math.max(1, statements)),
});

const pickService = (rng: Prng): ServiceDef => rng.weighted(SERVICES, (s) => s.weight);
const pickRegion = (rng: Prng): string => (rng.chance(0.5) ? 'us-east-1' : rng.pick(REGIONS));
const childPath = (rng: Prng): string => rng.pick(['reports', 'data', 'tmp', 'v1', 'shared']) + `/${rng.int(1000)}`;

/** `Get*`, `Describe*`, ...: the verb prefixes a service's actions share, as IAM wildcards. */
function verbWildcards(svc: ServiceDef): string[] {
  const verbs = new Set(svc.actions.map((a) => /^[A-Z][a-z]+/.exec(a)?.[0] ?? a));
  return [...verbs].filter((v) => svc.actions.filter((a) => a.startsWith(v)).length >= 2).map((v) => `${v}*`);
}

function actionMatches(pattern: string, action: string): boolean {
  const [svc = '', name = ''] = pattern.toLowerCase().split(':');
  const [aSvc = '', aName = ''] = action.toLowerCase().split(':');
  if (svc !== aSvc && svc !== '*') return false;
  return name.endsWith('*') ? aName.startsWith(name.slice(0, -1)) : aName === name;
}

function genActions(svc: ServiceDef, rng: Prng, effect: 'Allow' | 'Deny', shape: Shape): string[] {
  const r = rng.next();
  const exact = (n: number) => rng.sample(svc.actions, n).map((a) => `${svc.prefix}:${a}`);
  const wild = verbWildcards(svc);
  if (effect === 'Deny') return r < 0.3 * shape.broad ? [`${svc.prefix}:*`] : exact(rng.range(1, 2));
  if (r < 0.04) return [`${svc.prefix}:*`];
  if (r < 0.26 && wild.length > 0) return [`${svc.prefix}:${rng.pick(wild)}`, ...exact(rng.int(2))];
  return exact(rng.range(1, 4));
}

function genResource(svc: ServiceDef, rng: Prng, shape: Shape, effect: 'Allow' | 'Deny'): GenResource {
  // Grants favour a few hot resources; guard rails protect resources anywhere.
  const k = effect === 'Allow' ? rng.skewed(shape.names) : rng.int(shape.names);
  const name = `${svc.stem}-${k}`;
  const region = pickRegion(rng);
  const exact = arnOf(svc, region, name);
  const withStar = (pattern: string, fill: (r: Prng) => string): GenResource => ({ pattern, instance: (r) => pattern.replace('*', fill(r)) });
  // ~30% exact ARNs; ~60% wildcards on one resource (children `bucket-3/*`, name prefix
  // `orders-3*`, region `*`); a few `orders-*` over a whole service; the rest exact again.
  const r = rng.next();
  if (r >= 0.3 && r < 0.92) {
    if (r < 0.6 && svc.child !== undefined) return withStar(`${exact}${svc.child}*`, childPath);
    if (r < 0.8) return withStar(`${exact}*`, (x) => (x.chance(0.5) ? '' : String(x.int(10))));
    if (svc.regional) {
      // Region wildcard, as in `arn:aws:logs:*:123456789012:log-group:/app/svc-3`: not a suffix glob.
      const pattern = arnOf(svc, '*', name);
      return { pattern, instance: (x) => arnOf(svc, pickRegion(x), name) };
    }
  }
  if (r >= 0.96 && rng.chance(shape.broad)) return withStar(arnOf(svc, region, `${svc.stem}-*`), (x) => String(x.int(shape.names)));
  return { pattern: exact, instance: () => exact };
}

function genStatement(rng: Prng, effect: 'Allow' | 'Deny', shape: Shape): GenStatement {
  const service = pickService(rng);
  const actions = genActions(service, rng, effect, shape);
  // Statements name one service's actions, so only that service's part of the universe can match.
  const matchedActions = service.actions.map((a) => `${service.prefix}:${a}`).filter((a) => actions.some((p) => actionMatches(p, a)));
  const readOnlyWildcard = actions.some((a) => /:(Describe|List|Get)\*$/.test(a));
  const star = rng.chance((readOnlyWildcard ? 0.25 : effect === 'Deny' ? 0.15 : 0.02) * shape.broad);
  const resources = star ? '*' : Array.from({ length: rng.chance(0.75) ? 1 : 2 }, () => genResource(service, rng, shape, effect));
  // A guard rail over a whole service or every resource always has a condition (MFA, network, ...):
  // an unconditional one would just be a service the principal may never use.
  const broadDeny = effect === 'Deny' && (star || actions.some((a) => a.endsWith(':*')));
  const conditions = effect === 'Allow' ? allowConditions(rng) : denyConditions(rng, broadDeny);
  return { effect, service, actions, matchedActions, resources, conditions };
}

function render(s: GenStatement, sid: string): IamStatement {
  const out: IamStatement = {
    Sid: sid,
    Effect: s.effect,
    Action: s.actions.length === 1 ? (s.actions[0] as string) : [...s.actions],
    Resource: s.resources === '*' ? '*' : s.resources.length === 1 ? (s.resources[0] as GenResource).pattern : s.resources.map((r) => r.pattern),
  };
  const block = conditionBlock(s.conditions);
  if (block !== undefined) out.Condition = block;
  return out;
}

/** A request for any resource of the statement's service (random traffic). */
function randomResource(svc: ServiceDef, rng: Prng, names: number): string {
  if (rng.chance(0.05)) return '*';
  // Uniform over 50% more names than statements use: statements favour a few hot resources,
  // traffic is spread wider, and some requests name resources no statement mentions.
  const name = `${svc.stem}-${rng.int(Math.ceil(names * 1.5))}`;
  return arnOf(svc, pickRegion(rng), name, svc.child !== undefined && rng.chance(0.4) ? childPath(rng) : undefined);
}

function aimAt(s: GenStatement, rng: Prng, names: number, breakOne: boolean): { action: string; resource: string; context: Context } {
  const action = rng.pick(s.matchedActions);
  const resource = s.resources === '*' ? randomResource(s.service, rng, names) : rng.pick(s.resources).instance(rng);
  const context = baselineContext(rng);
  const broken = breakOne && s.conditions.length > 0 ? rng.int(s.conditions.length) : -1;
  s.conditions.forEach((c, i) => {
    const v = i === broken ? c.violate(rng) : c.satisfy(rng);
    if (v === undefined) delete context[c.key];
    else context[c.key] = v;
  });
  return { action, resource, context };
}

/** Generates the workload for one statement count; same options, same workload, every time. */
export function generateWorkload(options: WorkloadOptions): IamWorkload {
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = new Prng(deriveSeed(seed, options.statements));
  const shape = shapeOf(options.statements);
  const names = shape.names;

  const statements: GenStatement[] = [];
  for (let i = 0; i < options.statements; i++) statements.push(genStatement(rng, rng.chance(0.1) ? 'Deny' : 'Allow', shape));

  const documents: IamPolicyDocument[] = [];
  for (let i = 0; i < statements.length; ) {
    const size = Math.min(rng.range(5, 25), statements.length - i);
    const doc: IamPolicyDocument = { Version: '2012-10-17', Statement: [] };
    for (let j = 0; j < size; j++, i++) doc.Statement.push(render(statements[i] as GenStatement, `S${j}`));
    documents.push(doc);
  }

  const allows = statements.filter((s) => s.effect === 'Allow');
  const denies = statements.filter((s) => s.effect === 'Deny');
  const kinds: RequestKind[] = [];
  const requests: AuthorizationRequest[] = [];
  for (let i = 0; i < options.requests; i++) {
    const r = rng.next();
    let kind: RequestKind;
    let req: { action: string; resource: string; context: Context };
    if (r < 0.25 && allows.length > 0) {
      kind = 'aimedAllow';
      req = aimAt(rng.pick(allows), rng, names, false);
    } else if (r < 0.35 && allows.length > 0) {
      kind = 'nearMiss';
      req = aimAt(rng.pick(allows), rng, names, true);
    } else if (r < 0.4 && denies.length > 0) {
      kind = 'aimedDeny';
      req = aimAt(rng.pick(denies), rng, names, false);
    } else {
      kind = 'random';
      const svc = pickService(rng);
      req = { action: `${svc.prefix}:${rng.pick(svc.actions)}`, resource: randomResource(svc, rng, names), context: baselineContext(rng) };
    }
    kinds.push(kind);
    requests.push({ principal: PRINCIPAL, ...req });
  }

  return {
    seed, statementCount: statements.length, principal: PRINCIPAL, documents, policies: { identity: documents },
    requests, actionUniverse: ACTION_UNIVERSE, requestKinds: kinds,
  };
}
