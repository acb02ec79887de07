import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from './diagnostics.js';
import { createContextEnricher } from './providers.js';
import { compileArnPattern, compileSensitivity, parseLevel, type SensitivityClassifier, type SensitivityConfig } from './sensitivity.js';

function classifier(config: unknown): { c: SensitivityClassifier | undefined; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  return { c: compileSensitivity(config, 'sensitivity', sink), sink };
}

const map: SensitivityConfig = {
  resources: [
    { pattern: 'arn:aws:s3:::*', level: 'internal' },
    { pattern: 'arn:aws:s3:::hr-*', level: 'restricted' },
    { pattern: 'arn:aws:s3:::www/*', level: 0 },
    { pattern: 'arn:aws:s3:::www/drafts/*', level: 'confidential' },
    { pattern: 'arn:aws:s3:::www/drafts/press-release.html', level: 'public' },
    { pattern: 'arn:aws:dynamodb:*:111122223333:table/Payroll*', level: 3 },
  ],
};

describe('sensitivity classification map', () => {
  it('takes the most specific matching pattern', () => {
    const { c, sink } = classifier(map);
    expect(sink.items).toEqual([]);
    expect(c?.levelOf('arn:aws:s3:::reports/q3.csv')).toBe(1);
    expect(c?.levelOf('arn:aws:s3:::hr-payroll/2026.csv')).toBe(3);
    expect(c?.levelOf('arn:aws:s3:::www/index.html')).toBe(0);
    expect(c?.levelOf('arn:aws:s3:::www/drafts/q4.html')).toBe(2);
    expect(c?.levelOf('arn:aws:s3:::www/drafts/press-release.html')).toBe(0);
    expect(c?.levelOf('arn:aws:dynamodb:eu-central-1:111122223333:table/Payroll2026')).toBe(3);
    expect(c?.levelOf('arn:aws:dynamodb:eu-central-1:444455556666:table/Payroll2026')).toBeUndefined();
    expect(c?.levelOf('arn:aws:ec2:eu-central-1:111122223333:instance/i-1')).toBeUndefined();
    expect(c?.levelOf('*')).toBeUndefined();
  });

  it('breaks ties by fewer wildcards (an exact ARN wins), then by the higher level', () => {
    const { c } = classifier({ resources: [
      { pattern: 'arn:aws:s3:::b/x*', level: 3 },
      { pattern: 'arn:aws:s3:::b/x', level: 0 },
      { pattern: 'arn:aws:s3:::b/y*', level: 1 },
      { pattern: 'arn:aws:s3:::b/*y', level: 2 },
    ] });
    expect(c?.levelOf('arn:aws:s3:::b/x')).toBe(0);
    expect(c?.levelOf('arn:aws:s3:::b/xx')).toBe(3);
    expect(c?.levelOf('arn:aws:s3:::b/yy')).toBe(2);
  });

  it('with precedence "highest", no pattern can lower another', () => {
    const { c } = classifier({ ...map, precedence: 'highest' });
    expect(c?.levelOf('arn:aws:s3:::www/index.html')).toBe(1);
    expect(c?.levelOf('arn:aws:s3:::www/drafts/press-release.html')).toBe(2);
  });

  it('matches ARN fields as IAM does: case-sensitive, wildcards stay in their field except in the resource part', () => {
    const re = compileArnPattern('arn:aws:s3:::hr-*');
    expect(re?.test('arn:aws:s3:::hr-a/b:c')).toBe(true);
    expect(re?.test('arn:aws:s3:::HR-a')).toBe(false);
    const field = compileArnPattern('arn:aws:ec2:*:111122223333:instance/i-?');
    expect(field?.test('arn:aws:ec2:eu-west-1:111122223333:instance/i-1')).toBe(true);
    expect(field?.test('arn:aws:ec2:a:b:111122223333:instance/i-1')).toBe(false);
    expect(field?.test('arn:aws:ec2:eu-west-1:111122223333:instance/i-12')).toBe(false);
    expect(compileArnPattern('arn:aws:s3:::a.b')?.test('arn:aws:s3:::aXb')).toBe(false);
    expect(compileArnPattern('*')?.test('arn:aws:s3:::anything')).toBe(true);
    expect(compileArnPattern('s3:::bucket')).toBeUndefined();
  });

  it('reads levels as numbers, digits or names', () => {
    expect([0, 3, '2', 'Restricted', ' public '].map(parseLevel)).toEqual([0, 3, 2, 3, 0]);
    expect([4, -1, 1.5, 'secret', '', null, true].map(parseLevel)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reports malformed patterns, levels and precedence', () => {
    const { sink } = classifier({ resources: [{ pattern: 's3:::x', level: 1 }, { pattern: 'arn:aws:s3:::y', level: 'secret' }, { level: 1 }, { pattern: '*', level: 7 }], precedence: 'lowest', tagKey: '' });
    expect(sink.items.map((d) => [d.code, d.path])).toEqual([
      ['context/invalid-arn-pattern', 'sensitivity.resources[0].pattern'],
      ['context/invalid-level', 'sensitivity.resources[1].level'],
      ['context/invalid-config', 'sensitivity.resources[2].pattern'],
      ['context/invalid-level', 'sensitivity.resources[3].level'],
      ['context/invalid-config', 'sensitivity.precedence'],
      ['context/invalid-config', 'sensitivity.tagKey'],
    ]);
  });
});

describe('tessera:DataSensitivity from the map and a resource tag', () => {
  const enricher = createContextEnricher({ sensitivity: { ...map, tagKey: 'DataClassification' } });
  const req = (resource: string, context: Record<string, string> = {}) => ({ principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource, context });
  const level = (resource: string, context?: Record<string, string>) => enricher.enrich(req(resource, context)).derived['tessera:DataSensitivity'];

  it('takes the higher of the map and the tag: a tag raises, never lowers', () => {
    expect(level('arn:aws:s3:::reports/q3.csv')).toBe('1');
    expect(level('arn:aws:s3:::reports/q3.csv', { 'aws:ResourceTag/DataClassification': 'confidential' })).toBe('2');
    expect(level('arn:aws:s3:::hr-x/y', { 'aws:ResourceTag/DataClassification': 'public' })).toBe('3');
    expect(level('arn:aws:ec2:eu-west-1:111122223333:instance/i-1', { 'aws:resourcetag/dataclassification': '2' })).toBe('2');
  });

  it('derives nothing without a level, for `*`, or when the tag is unreadable', () => {
    expect(level('arn:aws:ec2:eu-west-1:111122223333:instance/i-1')).toBeUndefined();
    expect(level('*', { 'aws:ResourceTag/DataClassification': '3' })).toBeUndefined();
    const r = enricher.enrich(req('arn:aws:s3:::reports/q3.csv', { 'aws:ResourceTag/DataClassification': 'secret' }));
    expect(r.derived).toEqual({});
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'context/invalid-tag-level', path: 'context.aws:ResourceTag/DataClassification' })]);
  });
});
