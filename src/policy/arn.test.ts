import { describe, expect, it } from 'vitest';
import { arnPatternCovers, arnProblem, compileArnPattern, parseArn } from './arn.js';
import { tokenizeGlob } from './glob.js';

const matches = (pattern: string, resource: string) => compileArnPattern(tokenizeGlob(pattern)).test(resource);

describe('ARNs', () => {
  it('splits six fields, the resource field keeping its colons', () => {
    expect(parseArn('arn:aws:logs:us-east-1:111122223333:log-group:/app:*')).toEqual({
      partition: 'aws', service: 'logs', region: 'us-east-1', account: '111122223333', resource: 'log-group:/app:*',
    });
    expect(parseArn('arn:aws:s3')).toBeUndefined();
    expect(parseArn('not-an-arn')).toBeUndefined();
  });

  it('matches field by field: a wildcard never crosses into the next field', () => {
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c')).toBe(true);
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket2/a')).toBe(false);
    expect(matches('arn:aws:dynamodb:*:111122223333:table/*', 'arn:aws:dynamodb:eu-west-1:111122223333:table/t')).toBe(true);
    expect(matches('arn:aws:dynamodb:*:111122223333:table/*', 'arn:aws:dynamodb:eu-west-1:x:111122223333:table/t')).toBe(false);
    expect(matches('arn:aws:ec2:us-?ast-1:*:instance/*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1')).toBe(true);
    expect(matches('arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/x')).toBe(false); // case-sensitive
    expect(matches('*', 'anything')).toBe(true);
    expect(matches('arn:aws:s3:::exact', 'arn:aws:s3:::exact')).toBe(true);
  });

  it('reports malformed ARNs', () => {
    expect(arnProblem('*')).toBeUndefined();
    expect(arnProblem('arn:aws:s3:::bucket')).toBeUndefined();
    expect(arnProblem('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBeUndefined();
    expect(arnProblem('arn:aws:s3')).toContain('six fields');
    expect(arnProblem('arn:aws:iam::12345:user/x')).toContain('12-digit');
    expect(arnProblem('arn:azure:s3:::b')).toContain('partition');
  });

  it('covers field by field', () => {
    const covers = (o: string, i: string) => arnPatternCovers(tokenizeGlob(o), tokenizeGlob(i));
    expect(covers('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/reports/*')).toBe(true);
    expect(covers('arn:aws:s3:::*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1')).toBe(false);
    expect(covers('arn:aws:s3:*:*:x', 'arn:aws:s3:a:b:c:x')).toBe(false);
    expect(covers('*', 'arn:aws:s3:::b')).toBe(true);
  });
});
