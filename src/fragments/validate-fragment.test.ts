import { describe, expect, it } from 'vitest';
import { catalogContents } from '../../test/support/fragments.js';
import { validateFragment } from './validate-fragment.js';

const good = () => JSON.parse(JSON.stringify(catalogContents().find((c) => c.id === 's3-read-prefix'))) as Record<string, unknown>;
const codes = (input: unknown) => validateFragment(input).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('validateFragment', () => {
  it('accepts every starter fragment', () => {
    for (const c of catalogContents()) {
      const r = validateFragment(c);
      expect(r.diagnostics.filter((d) => d.severity === 'error'), c.id).toEqual([]);
      expect(r.content?.id).toBe(c.id);
    }
  });

  it('rejects a non-object and unknown or mistyped fields, naming the path', () => {
    expect(codes([])).toEqual(['fragment/invalid-definition']);
    const f = { ...good(), colour: 'red', tags: 'not-a-list' };
    const r = validateFragment(f);
    expect(r.content).toBeUndefined();
    expect(r.diagnostics.map((d) => d.path)).toEqual(expect.arrayContaining(['colour', 'tags']));
    expect(r.diagnostics.every((d) => d.fragment === 's3-read-prefix')).toBe(true);
  });

  it('checks id and risk', () => {
    expect(codes({ ...good(), id: 'Bad_ID' })).toContain('fragment/invalid-id');
    expect(codes({ ...good(), risk: 101 })).toContain('fragment/invalid-risk');
    expect(codes({ ...good(), risk: Number.NaN })).toContain('fragment/invalid-risk');
  });

  it('checks parameter patterns and defaults', () => {
    const f = good();
    (f.parameters as Record<string, Record<string, unknown>>).bucket = { pattern: '([a-z' };
    expect(codes(f)).toContain('fragment/invalid-pattern');
    const g = good();
    (g.parameters as Record<string, Record<string, unknown>>).bucket = { pattern: '^[a-z]+$', default: 'UPPER' };
    expect(codes(g)).toContain('fragment/invalid-default');
  });

  it('finds undeclared slots (an error) and unused parameters (a warning)', () => {
    const f = good();
    (f.statements as Record<string, unknown>[])[0]!.Resource = 'arn:aws:s3:::${bucket}/${folder}/*';
    expect(codes(f)).toContain('fragment/undeclared-parameter');
    const g = good();
    (g.parameters as Record<string, unknown>).unused = { pattern: '^x$' };
    const r = validateFragment(g);
    expect(r.content).toBeDefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('fragment/unused-parameter');
  });

  it('requires every statement to carry the required conditions', () => {
    const f = good();
    delete ((f.statements as Record<string, unknown>[])[1]!.Condition as Record<string, unknown>).Bool;
    const r = validateFragment(f);
    expect(r.diagnostics.find((d) => d.code === 'fragment/required-condition-missing')?.path).toBe('statements[1].Condition');
  });

  it('checks the signature form', () => {
    expect(codes({ ...good(), signature: { provides: [], requires: [], conflictsWith: ['iam-pass-role'], riskBudget: 1 } })).toContain('fragment/invalid-signature');
    expect(codes({ ...good(), signature: { provides: [], requires: [], conflictsWith: [], riskBudget: -1 } })).toContain('fragment/invalid-signature');
    expect(codes({ ...good(), signature: 'none' })).toContain('fragment/invalid-signature');
  });

  it('validates the bound statements as IAM', () => {
    const f = good();
    (f.statements as Record<string, unknown>[])[0]!.Effect = 'Perhaps';
    expect(codes(f)).toContain('fragment/invalid-statement');
    const g = good();
    ((g.statements as Record<string, unknown>[])[0]!.Condition as Record<string, unknown>).DateGreaterThan = { 'aws:CurrentTime': 'yesterday' };
    expect(codes(g)).toContain('fragment/invalid-statement');
  });
});
