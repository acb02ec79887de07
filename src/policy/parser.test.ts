import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parser.js';

const parse = (text: string, policyType: 'identity' | 'resource' | 'rcp' = 'identity') => parsePolicy(text, { policyType, source: 'p.json' });

describe('parser', () => {
  it('builds the AST with source locations for statements, values and condition keys', () => {
    const text = [
      '{',
      '  "Version": "2012-10-17",',
      '  "Id": "reports",',
      '  "Statement": [{',
      '    "Sid": "Read",',
      '    "Effect": "Allow",',
      '    "Action": ["s3:GetObject", "s3:ListBucket"],',
      '    "Resource": "arn:aws:s3:::reports/*",',
      '    "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 7, true]}}',
      '  }]',
      '}',
    ].join('\n');
    const r = parse(text);
    expect(r.diagnostics).toEqual([]);
    const doc = r.document;
    expect(doc?.version).toBe('2012-10-17');
    expect(doc?.variablesEnabled).toBe(true);
    expect(doc?.id).toBe('reports');
    const s = doc?.statements[0];
    expect(s?.sid).toBe('Read');
    expect(s?.loc).toMatchObject({ source: 'p.json', line: 4, column: 17 });
    expect(s?.action.patterns.map((p) => [p.value, p.loc?.line, p.loc?.column])).toEqual([
      ['s3:GetObject', 7, 16],
      ['s3:ListBucket', 7, 32],
    ]);
    expect(s?.resource).toMatchObject({ negated: false, patterns: [{ value: 'arn:aws:s3:::reports/*' }] });
    expect(s?.conditions[0]).toMatchObject({ baseOperator: 'StringLike', setOperator: 'ForAnyValue', ifExists: true, key: 'aws:TagKeys' });
    expect(s?.conditions[0]?.values.map((v) => v.value)).toEqual(['a*', '7', 'true']);
    expect(s?.conditions[0]?.keyLoc?.line).toBe(9);
  });

  it('reports every duplicate key instead of keeping the last one', () => {
    const r = parse('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",\n "Condition": {"StringEquals": {"k": "a", "k": "b"}}}}');
    const dups = r.diagnostics.filter((d) => d.code === 'policy/duplicate-key');
    expect(dups.map((d) => d.path)).toEqual(['Statement.Effect', 'Statement.Condition.StringEquals.k']);
    expect(dups[1]?.loc?.line).toBe(2);
  });

  it('reads Principal forms of resource-based policies', () => {
    const r = parse('{"Version": "2012-10-17", "Statement": [' +
      '{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},' +
      '{"Effect": "Allow", "Principal": {"AWS": ["111122223333", "*"], "Service": "lambda.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "*"},' +
      '{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"}]}', 'resource');
    expect(r.diagnostics).toEqual([]);
    const [a, b, c] = r.document?.statements ?? [];
    expect(a?.principal).toMatchObject({ anyone: true, negated: false, entries: [] });
    expect(b?.principal?.anyone).toBe(true);
    expect(b?.principal?.entries.map((e) => [e.kind, e.value.value])).toEqual([['AWS', '111122223333'], ['Service', 'lambda.amazonaws.com']]);
    expect(c?.principal?.negated).toBe(true);
  });

  it('leaves out statements with errors but keeps the rest', () => {
    const r = parse('{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['policy/invalid-effect']);
    expect(r.document?.statements.map((s) => s.index)).toEqual([1]);
  });

  it('treats a missing Version as 2008-10-17 (variables off) and says so', () => {
    const r = parse('{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:username}"}}');
    expect(r.document?.variablesEnabled).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('policy/missing-version');
  });

  it('reports JSON syntax errors with their position, never throwing', () => {
    for (const text of ['', '{', '{"Version": "2012-10-17",}', '// c\n{}', '{"a": tru}', '"\\x"', '\uFEFF{}']) {
      const r = parse(text);
      expect(r.document).toBeUndefined();
      expect(r.diagnostics.length).toBeGreaterThan(0);
      expect(r.diagnostics[0]?.code).toBe('policy/json-syntax');
    }
  });

  it('suggests the element that was probably meant', () => {
    const r = parse('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Actions": "s3:*", "Resource": "*"}}');
    const d = r.diagnostics.find((x) => x.code === 'policy/unknown-element');
    expect(d?.help).toContain('`Action`');
  });
});
