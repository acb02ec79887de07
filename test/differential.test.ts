/**
 * Differential test: the compiled, indexed authorizer against an independent, deliberately simple
 * reference interpreter (test/reference/), on random policy/request pairs over a small universe
 * where matches are frequent. They must agree on the decision, on which policy type an implicit
 * deny names (and its level), and on the missing context keys.
 *
 * TESSERA_DIFFERENTIAL_RUNS sets the number of pairs (default 100,000, the CI figure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicySet, type PolicyInput, type PolicyInputs, type PolicySetInput } from '../src/policy/index.js';
import { referenceDecide } from './reference/reference-evaluator.js';
import { scenarioArbitrary } from './reference/scenario-arbitraries.js';

const RUNS = Number(process.env.TESSERA_DIFFERENTIAL_RUNS ?? 100_000);
const BATCH = 10_000;

const list = (p: PolicyInputs | null | undefined): PolicyInput[] => (p === null || p === undefined ? [] : Array.isArray(p) ? [...(p as PolicyInput[])] : [p as PolicyInput]);

/**
 * Large sets, so that the indexes (per-action plans, resource buckets, shared predicates) are
 * exercised: the identity and resource-based policies of several scenarios decide one request.
 */
const largeSetArbitrary = fc.tuple(scenarioArbitrary, fc.array(scenarioArbitrary, { minLength: 6, maxLength: 12 })).map(([first, rest]) => {
  const all = [first, ...rest];
  const policies: PolicySetInput = {
    ...first.policies,
    identity: all.flatMap((s) => list(s.policies.identity)),
    resource: all.flatMap((s) => list(s.policies.resource)),
  };
  return { request: first.request, policies };
});

function agree(request: Parameters<typeof referenceDecide>[0], policies: PolicySetInput): boolean {
  const c = compilePolicySet(policies);
  expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (c.authorizer === undefined) return false;
  const ours = c.authorizer.authorize(request);
  const ref = referenceDecide(request, policies);
  expect(ours.decision).toBe(ref.decision);
  expect(ours.implicitDeny?.policyType).toBe(ref.implicitDenyBy);
  expect(ours.implicitDeny?.level).toBe(ref.implicitDenyLevel);
  const lower = (ks: readonly string[]) => ks.map((k) => k.toLowerCase()).sort();
  expect(lower(ours.missingContextKeys)).toEqual(lower(ref.missingContextKeys));
  return true;
}

describe('compiled authorizer vs reference interpreter', () => {
  for (let batch = 0; batch < Math.ceil(RUNS / BATCH); batch++) {
    it(`agrees on random scenarios (batch ${batch + 1} of ${Math.ceil(RUNS / BATCH)})`, () => {
      let compiled = 0;
      fc.assert(
        fc.property(scenarioArbitrary, ({ request, policies }) => {
          if (agree(request, policies)) compiled++;
        }),
        { numRuns: Math.min(BATCH, RUNS - batch * BATCH), seed: 20261123 + batch },
      );
      expect(compiled).toBeGreaterThan(0);
    });
  }

  it('agrees on large merged policy sets (indexes exercised)', () => {
    fc.assert(
      fc.property(largeSetArbitrary, ({ request, policies }) => {
        agree(request, policies);
      }),
      { numRuns: Math.max(100, Math.floor(RUNS / 20)), seed: 424242 },
    );
  });
});
