/** Small builders for the hand-written reference-interpreter tests. */
import type { AuthorizationRequest, ContextValue, PolicySetInput } from '../../src/policy/request.js';
import type { ReferenceDecision } from './reference-evaluator.js';
import { referenceDecide } from './reference-evaluator.js';

export type Json = Record<string, unknown>;

export const A = '111122223333';
export const B = '444455556666';
export const ALICE = `arn:aws:iam::${A}:user/alice`;
export const CAROL = `arn:aws:iam::${B}:user/carol`;
export const ADMIN_ROLE = `arn:aws:iam::${A}:role/Admin`;
export const ADMIN_SESSION = `arn:aws:sts::${A}:assumed-role/Admin/s1`;
export const ROOT = `arn:aws:iam::${A}:root`;
export const BUCKET_KEY = 'arn:aws:s3:::bucket/key';

/** A 2012-10-17 policy document. */
export const doc = (...statements: Json[]): Json => ({ Version: '2012-10-17', Statement: statements });

export const allowAll = (extra: Json = {}): Json => ({ Effect: 'Allow', Action: '*', Resource: '*', ...extra });
export const denyAll = (extra: Json = {}): Json => ({ Effect: 'Deny', Action: '*', Resource: '*', ...extra });

/** Alice calling s3:GetObject on bucket/key unless overridden. */
export function decide(request: Partial<AuthorizationRequest>, policies: PolicySetInput): ReferenceDecision {
  return referenceDecide({ principal: ALICE, action: 's3:GetObject', resource: BUCKET_KEY, ...request }, policies);
}

/** Decision for an identity policy allowing everything under `condition`, with `context`. */
export function underCondition(condition: Json, context: Record<string, ContextValue> = {}, principal = ALICE): ReferenceDecision {
  return decide({ principal, context }, { identity: [doc(allowAll({ Condition: condition }))] });
}

/** Whether the condition holds for the context (the statement allows). */
export const holds = (condition: Json, context: Record<string, ContextValue> = {}, principal = ALICE): boolean =>
  underCondition(condition, context, principal).decision === 'Allow';

/** Missing keys, lower-cased, for comparisons that ignore spelling. */
export const missingOf = (d: ReferenceDecision): string[] => d.missingContextKeys.map((k) => k.toLowerCase());
