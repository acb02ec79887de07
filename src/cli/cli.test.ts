import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const example = (name: string) => join(ROOT, 'examples', name);

const tessera = (args: string[], files: Record<string, string> = {}) => run(args, { files });

describe('tessera authorize', () => {
  it('prints the decision as one JSON object', async () => {
    const r = await tessera(['authorize', '--scenario', example('scenarios/s3-read.json'), '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.decision).toBe('Allow');
    expect(d.decidingStatements.map((s: { sid: string }) => s.sid)).toEqual(['FullAccess', 'ReadReportsFromCorporateNetwork', 'StorageOnly']);
    expect(d.decidingStatements[1].location.line).toBe(17);
  });

  it('shows the deciding statements with their source lines for people', async () => {
    const r = await tessera(['authorize', '--scenario', example('scenarios/scp-region-deny.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('DENY (explicit)');
    expect(r.out).toMatch(/scp-region-deny\.json:17 .*EuRegionsOnly/);
  });

  it('exits 0 for a deny and lists missing context keys', async () => {
    const scenario = JSON.stringify({
      request: { principal: 'arn:aws:iam::111122223333:user/a', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      policies: { identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] }] },
    });
    const r = await tessera(['authorize', '--scenario', 's.json'], { 's.json': scenario });
    expect(r.code).toBe(0);
    expect(r.out).toContain('DENY (implicit)');
    expect(r.out).toContain('missing context keys (consulted, not in the request): aws:MultiFactorAuthPresent');
  });

  it('exits 1 with located diagnostics when the scenario is invalid', async () => {
    const bad = '{\n  "request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": "*"},\n  "policies": {"identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Alow", "Action": "s3:*", "Resource": "*"}}]}\n}';
    const r = await tessera(['authorize', '--scenario', 'bad.json'], { 'bad.json': bad });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('bad.json:3:');
    expect(r.err).toContain('error[policy/invalid-effect]');
    const j = await tessera(['authorize', '--scenario', 'bad.json', '--json'], { 'bad.json': bad });
    expect(JSON.parse(j.err).diagnostics[0].code).toBe('policy/invalid-effect');
  });

  it('exits 2 on usage errors', async () => {
    expect((await tessera(['authorize'])).code).toBe(2);
    expect((await tessera(['authorize', '--scenario', '/nonexistent.json'])).err).toContain('cannot read scenario');
    expect((await tessera(['frobnicate'])).code).toBe(2);
  });
});

describe('tessera policy', () => {
  it('validate prints compiler-style findings and exits 1 on errors', async () => {
    const r = await tessera(['policy', 'validate', example('policies/needs-work.json')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/needs-work\.json:7:18: error\[policy\/unknown-action\]/);
    expect(r.out).toContain('^^^^^^^^^^^^^^');
    expect(r.out).toContain('did you mean `GetObject`?');
  });

  it('validate --json lists diagnostics per file', async () => {
    const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });
    const r = await tessera(['policy', 'validate', 'good.json', '--json'], { 'good.json': good });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ files: [{ file: 'good.json', diagnostics: [] }], summary: 'no findings' });
  });

  it('explain traces every step and statement', async () => {
    const r = await tessera(['policy', 'explain', '--scenario', example('scenarios/cross-account-read.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('evaluation steps (AWS order):');
    expect(r.out).toContain('1. explicit-deny: pass');
    expect(r.out).toMatch(/resource Sid TlsOnly \(Deny\) line \d+: action yes, resource yes, principal yes/);
    const j = JSON.parse((await tessera(['policy', 'explain', '--scenario', example('scenarios/cross-account-read.json'), '--json'])).out);
    expect(j.decision.decision).toBe('Allow');
    expect(j.statements).toHaveLength(3);
  });

  it('checks lists at least 40 checks', async () => {
    const r = await tessera(['policy', 'checks', '--json']);
    expect(JSON.parse(r.out).length).toBeGreaterThanOrEqual(40);
  });

  it('every command has --help with examples', async () => {
    for (const cmd of [['authorize'], ['policy', 'validate'], ['policy', 'explain']]) {
      const r = await tessera([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('Examples:');
    }
  });
});

describe('bin/tessera', () => {
  it('runs the built CLI as a process', async () => {
    const r = await promisify(execFile)(join(ROOT, 'bin', 'tessera'), ['authorize', '--scenario', example('scenarios/cross-account-read.json'), '--json']);
    expect(JSON.parse(r.stdout).decision).toBe('Allow');
  });
});

describe('tessera demo (what npm start runs)', () => {
  it('explains decisions and shows a proven and a refused synthesis', async () => {
    const r = await tessera(['demo']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: tessera');
    expect(r.out).toMatch(/ALLOW/);
    expect(r.out).toContain('PROVEN within the boundary under every context');
    expect(r.out).toContain('REFUSED: synthesis/not-contained');
    expect(r.out).toContain('resource   arn:aws:s3:::payroll/finance/');
  });
});
