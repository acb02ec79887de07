/** The delegated-administration commands end to end on a real SQLite store in a temporary directory. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CATALOG = join(ROOT, 'catalog', 'fragments');
const ACCOUNT = '111122223333';
let dir: string;
const tessera = (args: string[], files: Record<string, string> = {}) => run(['--data-dir', dir, ...args], { files, env: { USER: 'alice' } });

const boundary = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Storage', Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: ['arn:aws:s3:::acme-*', 'arn:aws:s3:::acme-*/*'] },
    { Sid: 'Tables', Effect: 'Allow', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/*` },
  ],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tessera fragment', () => {
  it('adds the starter catalog as drafts', async () => {
    const files = (await readdir(CATALOG)).filter((f) => f.endsWith('.json')).map((f) => join(CATALOG, f));
    const r = await tessera(['fragment', 'add', ...files, '--json']);
    expect(r.code).toBe(0);
    const stored = JSON.parse(r.out) as { id: string; version: number; status: string; hash: string; createdBy: string }[];
    expect(stored).toHaveLength(files.length);
    expect(stored.every((v) => v.version === 1 && v.status === 'draft' && v.createdBy === 'alice' && /^sha256:/.test(v.hash))).toBe(true);
  });

  it('refuses a batch with one bad definition and stores nothing', async () => {
    const before = JSON.parse((await tessera(['fragment', 'list', '--json'])).out).total;
    const good = JSON.parse(await readFile(join(CATALOG, 's3-read-prefix.json'), 'utf8'));
    const fresh = JSON.stringify({ ...good, id: 'brand-new-fragment' });
    const broken = JSON.stringify({ ...good, id: 'another-new-one', risk: 400 });
    const r = await tessera(['fragment', 'add', 'fresh.json', 'broken.json'], { 'fresh.json': fresh, 'broken.json': broken });
    expect(r.code).toBe(1);
    expect(r.err).toContain('fragment/invalid-risk');
    expect(r.err).toContain('nothing was stored');
    expect(JSON.parse((await tessera(['fragment', 'list', '--json'])).out).total).toBe(before);
    const syntax = await tessera(['fragment', 'add', 'x.json', '--json'], { 'x.json': '{"id": ' });
    expect(syntax.code).toBe(1);
    expect(JSON.parse(syntax.err).error).toContain('nothing was stored');
  });

  it('runs the review lifecycle with separation of duties', async () => {
    expect((await tessera(['fragment', 'submit', 's3-read-prefix@1', 'dynamodb-read-table@1', 's3-write-prefix@1'])).code).toBe(0);
    const self = await tessera(['fragment', 'approve', 's3-read-prefix@1']);
    expect(self.code).toBe(1);
    expect(self.err).toContain('alice wrote s3-read-prefix@1 and cannot review it');
    // One refused move in a batch moves nothing.
    const mixed = await tessera(['fragment', 'approve', 's3-read-prefix@1', 'lambda-invoke-function@1', '--by', 'bob']);
    expect(mixed.code).toBe(1);
    expect(mixed.err).toContain('cannot approve a version that is draft');
    expect(JSON.parse((await tessera(['fragment', 'show', 's3-read-prefix@1', '--json'])).out).status).toBe('in-review');
    expect((await tessera(['fragment', 'reject', 's3-write-prefix@1', '--by', 'bob'])).code).toBe(2); // a rejection needs a comment
    expect((await tessera(['fragment', 'reject', 's3-write-prefix@1', '--by', 'bob', '-m', 'too wide'])).code).toBe(0);
    const ok = await tessera(['fragment', 'approve', 's3-read-prefix@1', 'dynamodb-read-table@1', '--by', 'bob', '-m', 'fine']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('s3-read-prefix@1: in-review → approved');
    const shown = JSON.parse((await tessera(['fragment', 'show', 's3-read-prefix', '--json'])).out);
    expect(shown.history.map((h: { to: string; by: string }) => `${h.to}:${h.by}`)).toEqual(['in-review:alice', 'approved:bob']);
  });

  it('versions are content-addressed: an identical definition is refused, a changed one is version 2', async () => {
    const same = await tessera(['fragment', 'version', join(CATALOG, 's3-list-bucket.json')]);
    expect(same.code).toBe(1);
    expect(same.err).toContain('identical to s3-list-bucket@1');
    const changed = JSON.stringify({ ...JSON.parse(await readFile(join(CATALOG, 's3-list-bucket.json'), 'utf8')), risk: 12 });
    const r = await tessera(['fragment', 'version', 'v2.json', '--json'], { 'v2.json': changed });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0]).toMatchObject({ id: 's3-list-bucket', version: 2, status: 'draft' });
  });

  it('searches by action pattern, status, tag and risk', async () => {
    const get = JSON.parse((await tessera(['fragment', 'search', '--action', 's3:Get*', '--status', 'approved', '--json'])).out);
    expect(get.items.map((v: { id: string }) => v.id)).toEqual(['s3-read-prefix']);
    const pass = JSON.parse((await tessera(['fragment', 'search', '--action', 'iam:PassRole', '--json'])).out);
    expect(pass.items.length).toBeGreaterThan(0);
    expect(pass.items.every((v: { actions: string[] }) => v.actions.some((a) => a === 'iam:passrole' || a.endsWith('*')))).toBe(true);
    const low = JSON.parse((await tessera(['fragment', 'search', '--tag', 's3', '--max-risk', '15', '--json'])).out);
    expect(low.items.every((v: { risk: number; tags: string[] }) => v.risk <= 15 && v.tags.includes('s3'))).toBe(true);
    const text = await tessera(['fragment', 'list', '--status', 'approved']);
    expect(text.out).toMatch(/dynamodb-read-table@1 +approved/);
  });
});

describe('tessera synth', () => {
  const params = ['-p', `account=${ACCOUNT}`, '-p', 'bucket=acme-reports', '-p', 'prefix=finance', '-p', 'table=orders', '-p', 'region=eu-west-1'];

  it('composes approved fragments, proves containment and writes the policy', async () => {
    const out = join(dir, 'policy.json');
    const r = await tessera(['synth', '-f', 's3-read-prefix@1', '-f', 'dynamodb-read-table@1', ...params, '--boundary', 'b.json', '-o', out], { 'b.json': boundary });
    expect(r.code).toBe(0);
    expect(r.out).toContain('proof: contained in the boundary under every context');
    expect(r.out).toContain('Effective permissions:');
    const policy = JSON.parse(await readFile(out, 'utf8'));
    expect(policy.Statement.length).toBeGreaterThanOrEqual(3);
    const check = await tessera(['analyze', 'contains', '-c', out, '-w', 'b.json', '--json'], { 'b.json': boundary });
    expect(JSON.parse(check.out).verdict).toBe('contained');
  });

  it('names the fragment and the counterexample when the result leaves the boundary', async () => {
    const r = await tessera(['synth', '-f', 's3-read-prefix@1', '-p', `account=${ACCOUNT}`, '-p', 'bucket=payroll', '-p', 'prefix=x', '--boundary', 'b.json', '--json'], { 'b.json': boundary });
    expect(r.code).toBe(1);
    const e = JSON.parse(r.err);
    const d = e.diagnostics.find((x: { code: string }) => x.code === 'synthesis/not-contained');
    expect(d.fragment).toBe('s3-read-prefix@1');
    expect(d.message).toContain('arn:aws:s3:::payroll/x/');
  });

  it('refuses unapproved fragments, bad parameters and unknown names', async () => {
    const draft = await tessera(['synth', '-f', 'lambda-invoke-function@1', '-p', `account=${ACCOUNT}`, '--boundary', 'b.json'], { 'b.json': boundary });
    expect(draft.code).toBe(1);
    expect(draft.err).toContain('synthesis/not-usable');
    const bad = await tessera(['synth', '-f', 's3-read-prefix@1', '-p', `account=${ACCOUNT}`, '-p', 'bucket=acme-*', '-p', 'prefix=x', '--boundary', 'b.json'], { 'b.json': boundary });
    expect(bad.err).toContain('synthesis/wildcard-parameter');
    const unknown = await tessera(['synth', '-f', 's3-read-prefix@1', '-p', 'colour=red', '--boundary', 'b.json'], { 'b.json': boundary });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no chosen fragment declares `colour`');
    expect((await tessera(['synth', '-f', 's3-read-prefix', '--boundary', 'b.json'], { 'b.json': boundary })).code).toBe(2);
  });
});

describe('tessera analyze and permissions', () => {
  const wider = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Put', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-reports/in/*', Condition: { StringEquals: { 'tessera:NetworkZone': 'corporate' } } }] });

  it('contains: not contained, with a counterexample that is a scenario request', async () => {
    const r = await tessera(['analyze', 'contains', '-c', 'c.json', '-w', 'b.json', '--json'], { 'c.json': wider, 'b.json': boundary });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('not-contained');
    expect(j.counterexample).toMatchObject({ action: 's3:PutObject', context: { 'tessera:NetworkZone': 'corporate' } });
    expect(j.counterexample.resource).toMatch(/^arn:aws:s3:::acme-reports\/in\//);
    // The counterexample replays as a scenario: Allow under the candidate, not under the boundary.
    const scenario = (policy: string) => JSON.stringify({ request: j.counterexample, policies: { identity: [JSON.parse(policy)] } });
    expect(JSON.parse((await tessera(['authorize', '-s', 's.json', '--json'], { 's.json': scenario(wider) })).out).decision).toBe('Allow');
    expect(JSON.parse((await tessera(['authorize', '-s', 's.json', '--json'], { 's.json': scenario(boundary) })).out).decision).toBe('ImplicitDeny');
  });

  it('reports an invalid policy with its location and exit 1', async () => {
    const r = await tessera(['analyze', 'contains', '-c', 'c.json', '-w', 'b.json'], { 'c.json': '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": 7}}', 'b.json': boundary });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/c\.json:1:\d+: error\[policy\//);
  });

  it('equivalent and diff', async () => {
    const reordered = JSON.stringify({ Version: '2012-10-17', Statement: [...JSON.parse(boundary).Statement].reverse() });
    expect((await tessera(['analyze', 'equivalent', 'a.json', 'b.json'], { 'a.json': boundary, 'b.json': reordered })).code).toBe(0);
    const d = await tessera(['analyze', 'diff', 'a.json', 'b.json', '--json'], { 'a.json': boundary, 'b.json': wider });
    expect(d.code).toBe(0);
    const j = JSON.parse(d.out);
    expect(j.added.regions).toHaveLength(1);
    expect(j.added.regions[0].from.sid).toBe('Put');
    expect(j.effective.added.map((e: { action: string }) => e.action)).toEqual(['s3:PutObject']);
    expect(j.removed.regions.length).toBeGreaterThan(0);
  });

  it('findings flag a public bucket policy and escalation paths', async () => {
    const pub = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::www/*' }] });
    const r = await tessera(['analyze', 'findings', 'p.json', '--json'], { 'p.json': pub });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)[0].findings.map((f: { kind: string }) => f.kind)).toContain('public-principal');
  });

  it('permissions: a what-if matrix over a product of dimensions', async () => {
    const grid = JSON.stringify({ dimensions: { network: { corporate: { 'tessera:NetworkZone': 'corporate' }, internet: { 'tessera:NetworkZone': 'internet' } }, device: { managed: { 'tessera:DeviceManaged': 'true' }, unmanaged: { 'tessera:DeviceManaged': 'false' } } } });
    const r = await tessera(['permissions', 'p.json', '--matrix', 'g.json', '--json'], { 'p.json': wider, 'g.json': grid });
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.columns.map((c: { name: string }) => c.name)).toEqual(['corporate/managed', 'corporate/unmanaged', 'internet/managed', 'internet/unmanaged']);
    expect(m.rows).toEqual([{ action: 's3:PutObject', accessLevel: 'Write', cells: ['allowed', 'allowed', 'absent', 'absent'] }]);
    // Blending: under the boundary nothing of it is effective, whatever the context.
    const blended = JSON.parse((await tessera(['permissions', 'p.json', '--boundary', 'b.json', '-C', 'tessera:NetworkZone=corporate', '--json'], { 'p.json': wider, 'b.json': boundary })).out);
    expect(blended.total).toBe(0);
    expect((await tessera(['permissions', 'p.json', '--matrix', 'g.json'], { 'p.json': wider, 'g.json': '{"dimensions": []}' })).code).toBe(2);
  });

  it('every new command has --help with examples', async () => {
    for (const cmd of [['fragment'], ['fragment', 'add'], ['fragment', 'search'], ['fragment', 'approve'], ['synth'], ['analyze', 'contains'], ['analyze', 'diff'], ['analyze', 'findings'], ['permissions']]) {
      const r = await tessera([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.out, cmd.join(' ')).toMatch(/Examples?:/);
    }
  });
});
