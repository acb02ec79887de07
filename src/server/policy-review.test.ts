import { describe, expect, it } from 'vitest';
import type { PolicyVersion } from '../store/index.js';
import { policyReviewProblem, statementDiff, statementsOf } from './policy-review.js';

const version = (over: Partial<PolicyVersion> = {}): PolicyVersion => ({
  id: 'pay',
  version: 2,
  team: 'payments',
  status: 'submitted',
  request: { fragments: [], boundary: { id: 'b', version: 1 }, riskBudget: null },
  documents: [],
  verdict: {},
  risk: 0,
  createdAt: '2026-11-23T10:00:00Z',
  createdBy: 'user/alice',
  history: [{ from: 'draft', to: 'submitted', at: '2026-11-23T10:01:00Z', by: 'user/sam' }],
  ...over,
});

describe('policyReviewProblem', () => {
  it('refuses the author and the submitter (any case), for approve and reject only', () => {
    expect(policyReviewProblem(version(), 'approve', 'User/Alice')).toMatch(/wrote pay@2/);
    expect(policyReviewProblem(version(), 'reject', 'user/sam')).toMatch(/submitted pay@2/);
    expect(policyReviewProblem(version(), 'approve', 'user/carol')).toBeUndefined();
    expect(policyReviewProblem(version({ status: 'approved' }), 'activate', 'user/alice')).toBeUndefined();
    expect(policyReviewProblem(version(), 'submit', 'user/alice')).toBeUndefined();
  });
});

describe('statementDiff', () => {
  const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
  const read = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' };
  const write = { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::a/*' };

  it('lists statements added and removed, ignoring Sids, key order and document boundaries', () => {
    const before = [doc({ Sid: 'Old', ...read })];
    const after = [doc({ Resource: read.Resource, Action: read.Action, Effect: 'Allow', Sid: 'New' }), doc(write)];
    expect(statementDiff(after, before)).toEqual({ added: [write], removed: [] });
    expect(statementDiff(before, after)).toEqual({ added: [], removed: [write] });
    expect(statementDiff(after, [])).toEqual({ added: statementsOf(after), removed: [] });
  });

  it('reads a single statement object and ignores what is not a statement', () => {
    expect(statementsOf([{ Version: '2012-10-17', Statement: read }, null, 'x', { Statement: ['no', read] }])).toEqual([read, read]);
  });
});
