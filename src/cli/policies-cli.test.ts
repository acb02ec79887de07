/**
 * `tessera policies` against a real Tessera server on a real port with a real SQLite control
 * plane: the synthesized-policy lifecycle of issue 8 driven from the command line, with the server
 * deciding who may act (roles, separation of duties) and refusing stale ETags; and `audit` and
 * `monitor` against the same server.
 */
import { join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';
import { fragmentBody, startHarness, type Harness, type Who } from '../server/testing/harness.js';
import { openSqliteControlPlane } from '../store/index.js';
import { transition } from './commands/policies.js';
import { ServerProblemError } from './errors.js';
import { buildProgram } from './main.js';
import { ServerClient } from './remote-client.js';

let h: Harness;
let dir: string;
const BOB = 'arn:aws:iam::111122223333:user/bob';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-policies-cli-'));
  h = await startHarness(() => openSqliteControlPlane(join(dir, 'tessera.db')));
  // An approved fragment owned by payments (alice writes, carol approves).
  expect((await h.call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('pol-s3', 'payments') })).status).toBe(201);
  for (const [who, action] of [['alice', 'submit'], ['carol', 'approve']] as const) {
    const tag = (await h.call('GET', '/v1/fragments/pol-s3/versions/1', { as: 'dave' })).headers.get('etag') ?? '';
    expect((await h.call('POST', '/v1/fragments/pol-s3/versions/1/transitions', { as: who, body: { action }, headers: { 'if-match': tag } })).status).toBe(200);
  }
  await writeFile(join(dir, 'boundary.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] }));
});
afterAll(async () => {
  await h?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const tessera = (who: Who, args: string[]) => run(['--server', h.url, '--token', h.tokens[who], ...args], { env: {} });
const json = <T = Record<string, unknown>>(out: string) => JSON.parse(out) as T;

describe('tessera policies --server', () => {
  it('walks a policy from synthesis to active, shows the review, rolls back, and assigns it', async () => {
    const b = await tessera('admin', ['policies', 'boundary', 'put', 'pol-boundary', join(dir, 'boundary.json'), '--team', 'payments', '--json']);
    expect(b.err).toBe('');
    expect(json(b.out)).toMatchObject({ id: 'pol-boundary', version: 1, team: 'payments', createdBy: 'user/admin', document: { Statement: [{ Action: 's3:Get*' }] } });
    expect((await tessera('dave', ['policies', 'boundary', 'show', 'pol-boundary'])).out).toMatch(/^boundary pol-boundary version 1 for team payments /);

    const listed = await tessera('alice', ['policies', 'boundary', 'list', '--team', 'payments']);
    expect(listed.out).toMatch(/^pol-boundary {2}v1 {2}team payments {2}by user\/admin at /);

    const create = ['policies', 'create', 'pol-pay', '--team', 'payments', '-f', 'pol-s3@1', '-b', 'pol-boundary'];
    // A preview stores nothing; it shows what create would store.
    const preview = await tessera('alice', [...create, '-p', 'bucket=acme-reports', '--preview']);
    expect(preview.code, preview.err).toBe(0);
    expect(preview.out).toContain('pol-pay: approvable (nothing stored)');
    expect(preview.out).toContain('arn:aws:s3:::acme-reports/*');
    expect((await tessera('dave', ['policies', 'show', 'pol-pay'])).err).toMatch(/404/);
    const v1 = await tessera('alice', [...create, '-p', 'bucket=acme-reports', '--json']);
    expect(v1.err).toBe('');
    expect(v1.code).toBe(0);
    expect(json(v1.out)).toMatchObject({ id: 'pol-pay', version: 1, team: 'payments', status: 'draft', createdBy: 'user/alice', verdict: { containment: 'contained' }, request: { fragments: [{ ref: 'pol-s3@1', params: { bucket: 'acme-reports' } }], boundary: { id: 'pol-boundary', version: 1 } } });
    expect(JSON.stringify(json(v1.out).documents)).toContain('arn:aws:s3:::acme-reports/*');

    expect((await tessera('alice', ['policies', 'submit', 'pol-pay@1'])).out).toBe('pol-pay@1 draft → submitted\n');
    // A delegated admin may not approve at all: the server's 403, shown without a stack; nothing changes.
    const own = await tessera('alice', ['policies', 'approve', 'pol-pay@1']);
    expect(own.code).toBe(1);
    expect(own.err).toMatch(/^tessera: server http:\/\/127\.0\.0\.1:\d+: 403 .*may not tessera:ApprovePolicy/m);
    expect(own.err).not.toMatch(/at .*\.ts:\d+/);
    const approved = await tessera('carol', ['policies', 'approve', 'pol-pay@1', '--comment', 'one bucket, read-only', '--json']);
    expect(json(approved.out)).toMatchObject({ status: 'approved', history: [{ to: 'submitted', by: 'user/alice' }, { to: 'approved', by: 'user/carol', comment: 'one bucket, read-only' }] });
    expect((await tessera('carol', ['policies', 'activate', 'pol-pay@1'])).out).toBe('pol-pay@1 approved → active\n');

    // Version 2 reads another bucket: the review shows what changes against the active v1.
    expect(json((await tessera('alice', [...create, '-p', 'pol-s3.bucket=acme-ledger', '--json'])).out).version).toBe(2);
    expect((await tessera('alice', ['policies', 'submit', 'pol-pay@2'])).code).toBe(0);
    const review = await tessera('carol', ['policies', 'review', 'pol-pay@2', '--json']);
    const r = json<{ policy: string; status: string; against: number; added: unknown[]; removed: unknown[]; verdict: { containment: string }; risk: number; effective: { total: number } }>(review.out);
    expect(r).toMatchObject({ policy: 'pol-pay@2', status: 'submitted', against: 1, verdict: { containment: 'contained' } });
    expect(JSON.stringify(r.added)).toContain('acme-ledger');
    expect(JSON.stringify(r.removed)).toContain('acme-reports');
    expect(r.effective.total).toBeGreaterThan(0);
    expect(typeof r.risk).toBe('number');
    const text = (await tessera('carol', ['policies', 'review', 'pol-pay@2'])).out;
    expect(text).toContain('review of pol-pay@2 (submitted) against the active v1');
    expect(text).toContain('verdict: containment contained');
    expect(text).toMatch(/^\+ .*acme-ledger/m);
    expect(text).toMatch(/^- .*acme-reports/m);
    expect(text).toMatch(/^ {2}1 action \(Read 1\)\n {2}s3: Read 1 /m);

    expect((await tessera('carol', ['policies', 'approve', 'pol-pay@2'])).code).toBe(0);
    expect((await tessera('carol', ['policies', 'activate', 'pol-pay@2'])).code).toBe(0);
    const versions = json<{ version: number; status: string }[]>((await tessera('dave', ['policies', 'versions', 'pol-pay', '--json'])).out);
    expect(versions.map((v) => `${v.version}:${v.status}`)).toEqual(['1:superseded', '2:active']);

    const back = await tessera('carol', ['policies', 'rollback', 'pol-pay', '--to', '1']);
    expect(back.out).toBe('pol-pay@1 active again (v2 superseded)\n');
    expect(json((await tessera('dave', ['policies', 'show', 'pol-pay', '--json'])).out)).toMatchObject({ id: 'pol-pay', team: 'payments', active: 1, versions: [{ version: 1, status: 'active' }, { version: 2, status: 'superseded' }] });
    expect((await tessera('carol', ['policies', 'rollback', 'pol-pay', '--to', '1'])).err).toContain('pol-pay@1 is already the active version');
    expect((await tessera('dave', ['policies', 'show', 'pol-pay@1'])).out).toMatch(/^pol-pay@1 {2}active {2}team payments/);
    expect((await tessera('dave', ['policies', 'show', 'pol-pay@1'])).out).toContain('containment: contained (in the boundary; user/alice has no assignment, so nothing else bounds it)');
    expect(json((await tessera('dave', ['policies', 'list', '--json'])).out)).toMatchObject({ items: [{ id: 'pol-pay', team: 'payments', latestVersion: 2, active: 1 }] });

    expect(json((await tessera('admin', ['policies', 'assign', BOB, 'pol-pay', '--json'])).out)).toMatchObject({ principal: BOB, policies: ['pol-pay'], updatedBy: 'user/admin' });
    expect((await tessera('dave', ['policies', 'assignments', BOB])).out).toMatch(new RegExp(`^${BOB}: pol-pay \\(by user/admin at `));
    const decision = await h.call('POST', '/v1/authorize', { as: 'svc', body: { request: { principal: BOB, action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/x.csv' } } });
    expect(decision.body).toMatchObject({ decision: 'Allow' });
  });

  it('prints a refused synthesis and stores nothing', async () => {
    const narrow = join(dir, 'narrow.json');
    await writeFile(narrow, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }));
    expect((await tessera('admin', ['policies', 'boundary', 'put', 'pol-narrow', narrow])).out).toMatch(/^boundary pol-narrow version 1 for the central admin only \(no team\) /);
    // A boundary of no team is the central admin's alone.
    expect((await tessera('alice', ['policies', 'create', 'pol-wide', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'bucket=acme-reports', '-b', 'pol-narrow@1'])).err).toMatch(/403 .*tessera:UseBoundary/);
    expect((await tessera('admin', ['policies', 'boundary', 'put', 'pol-narrow', narrow, '--team', 'payments'])).out).toMatch(/^boundary pol-narrow version 2 for team payments /);
    const refused = await tessera('alice', ['policies', 'create', 'pol-wide', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'bucket=acme-reports', '-b', 'pol-narrow@2']);
    expect(refused.code).toBe(1);
    const refusedPreview = await tessera('alice', ['policies', 'create', 'pol-wide', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'bucket=acme-reports', '-b', 'pol-narrow@2', '--preview']);
    expect(refusedPreview.code).toBe(1);
    expect(refusedPreview.out).toMatch(/pol-wide: refused \(nothing stored\)\n.*\n.*\n {2}error synthesis\/not-contained: .*\(for example s3:GetObject on arn:aws:s3:::acme-reports\//);
    expect(refused.err).toMatch(/synthesis\/not-contained/);
    expect(refused.err).toMatch(/422 .*\(server\/synthesis-refused\)/);
    expect((await tessera('dave', ['policies', 'show', 'pol-wide'])).err).toMatch(/404/);
  });

  it('explains a stale ETag: someone else changed the version between the read and the move (412)', async () => {
    expect((await tessera('alice', ['policies', 'create', 'pol-race', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'bucket=acme-race', '-b', 'pol-boundary'])).code).toBe(0);
    expect((await tessera('alice', ['policies', 'submit', 'pol-race@1'])).code).toBe(0);
    // carol read the ETag; before her POST reaches the server, the admin really rejects the version.
    let interleaved = false;
    const racing: typeof fetch = async (input, init) => {
      if (!interleaved && init?.method === 'POST') {
        interleaved = true;
        expect((await tessera('admin', ['policies', 'reject', 'pol-race@1', '--comment', 'not now'])).code).toBe(0);
      }
      return fetch(input, init);
    };
    const err = await transition(new ServerClient(h.url, h.tokens.carol, racing), { id: 'pol-race', version: 1 }, 'approve', 'ok').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerProblemError);
    expect((err as ServerProblemError).status).toBe(412);
    expect((err as ServerProblemError).message).toContain('pol-race@1 was submitted when read and is now rejected (rejected by user/admin');
    expect(json((await tessera('dave', ['policies', 'show', 'pol-race@1', '--json'])).out)).toMatchObject({ status: 'rejected' });
  });

  it('refuses a role without the right (403), usage errors, and no --server', async () => {
    const auditor = await tessera('dave', ['policies', 'create', 'pol-x', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'bucket=acme-x', '-b', 'pol-boundary']);
    expect(auditor.code).toBe(1);
    expect(auditor.err).toMatch(/: 403 /);
    const otherTeam = await tessera('olga', ['policies', 'boundary', 'put', 'pol-boundary', join(dir, 'boundary.json')]);
    expect(otherTeam.code).toBe(1);
    expect(otherTeam.err).toMatch(/: 403 /);
    // Separation of duties: a central admin who wrote and submitted a version cannot approve it.
    expect((await tessera('admin', ['policies', 'create', 'pol-sod', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'bucket=acme-sod', '-b', 'pol-boundary'])).code).toBe(0);
    expect((await tessera('admin', ['policies', 'submit', 'pol-sod@1'])).code).toBe(0);
    const self = await tessera('admin', ['policies', 'approve', 'pol-sod@1']);
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/: 403 .*separation of duties.*\(server\/separation-of-duties\)/);
    expect(json((await tessera('dave', ['policies', 'show', 'pol-sod@1', '--json'])).out)).toMatchObject({ status: 'submitted' });
    expect((await tessera('carol', ['policies', 'reject', 'pol-pay@2'])).err).toContain('reject needs --comment');
    expect((await tessera('carol', ['policies', 'review', 'pol-pay'])).code).toBe(2);
    expect((await tessera('alice', ['policies', 'create', 'pol-y', '--team', 'payments', '-f', 'pol-s3@1', '-p', 'color=red', '-b', 'pol-boundary'])).err).toContain('--param color: no chosen fragment declares it');
    const local = await run(['policies', 'list'], { env: {} });
    expect(local.code).toBe(2);
    expect(local.err).toContain('lives on a Tessera server: pass --server URL --token TOKEN');
  });

  it('has --help with an example on every policies command', () => {
    const program = buildProgram({ stdout: () => {}, stderr: () => {}, readFile: () => Promise.reject(new Error('no files')), env: {}, isTTY: false, now: () => new Date() });
    const group = program.commands.find((c) => c.name() === 'policies') as Command;
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    const leaves = all(group).filter((c) => c.commands.length === 0);
    expect(leaves.map((c) => c.name()).sort()).toEqual(['activate', 'approve', 'assign', 'assignments', 'create', 'list', 'list', 'reject', 'review', 'rollback', 'show', 'show', 'submit', 'put', 'versions'].sort());
    for (const c of leaves) {
      let help = '';
      c.configureOutput({ writeOut: (s) => void (help += s) }).outputHelp();
      expect(help, c.name()).toMatch(/Examples?:\n {2}\$ tessera policies /);
      expect(help, c.name()).toContain('--json');
    }
  });
});

describe('tessera audit --server', () => {
  it('exports the server\'s log page by page and verifies its chain here, the workflow above in it', async () => {
    const lines = (await tessera('dave', ['audit', 'export'])).out.trimEnd().split('\n').map((l) => json<{ seq: number; actor: string; action: string; resource: string }>(l));
    expect(lines.map((r) => r.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines).toContainEqual(expect.objectContaining({ actor: 'user/carol', action: 'tessera:ApprovePolicy', resource: 'trn:tessera:policy/pol-pay@1' }));
    const tail = (await tessera('dave', ['audit', 'export', '--after', '2', '--limit', '3'])).out.trimEnd().split('\n').map((l) => json<{ seq: number }>(l).seq);
    expect(tail).toEqual([3, 4, 5]);

    const verified = await tessera('dave', ['audit', 'verify', '--json']);
    expect(verified.code).toBe(0);
    expect(json(verified.out)).toMatchObject({ ok: true, records: lines.length, head: { seq: lines.length }, problems: [] });
    // What the CLI computed matches the server's own verification.
    expect((await h.call('GET', '/v1/audit/verify', { as: 'dave' })).body).toEqual(json(verified.out));
    const exported = join(dir, 'audit.jsonl');
    await writeFile(exported, (await tessera('dave', ['audit', 'export'])).out);
    expect((await run(['audit', 'verify', '--file', exported], { env: {} })).out).toMatch(new RegExp(`^audit log verified: ${lines.length} records, head seq ${lines.length} `));
  });

  it('finds an edited record in the server\'s log, and needs the right to read it', async () => {
    expect((await tessera('alice', ['audit', 'verify'])).err).toMatch(/: 403 .*tessera:ReadAudit/);
    const db = new Database(join(dir, 'tessera.db'));
    try {
      db.exec("update audit_log set outcome = 'denied' where seq = 3");
    } finally {
      db.close();
    }
    const broken = await tessera('dave', ['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('tessera: the audit chain is broken at seq 3: record 3 does not match its hash');
  });
});

describe('tessera monitor --server', () => {
  const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'internal-reporting');
  it('registers a deployment through the deployments API as the token\'s principal; run-once goes to the server', async () => {
    const args = ['monitor', 'register', '--id', 'reporting', '--app', join(EXAMPLE, 'app.yaml'), '--env', join(EXAMPLE, 'env.yaml')];
    const first = await tessera('admin', [...args, '--json']);
    expect(first.err).toBe('');
    expect(json(first.out)).toMatchObject({ id: 'reporting', imageDigest: null, registered: true });
    expect((await tessera('admin', args)).out).toBe(`updated deployment reporting on ${h.url}\n`);
    const stored = await h.call('GET', '/v1/deployments/reporting', { as: 'dave' });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id: 'reporting', app: { name: expect.any(String) } });
    const audit = (await h.call('GET', '/v1/audit?limit=1000', { as: 'dave' })).body as { items: { actor: string; action: string; resource: string }[] };
    expect(audit.items.filter((r) => r.action === 'tessera:RegisterDeployment')).toMatchObject([{ actor: 'user/admin', resource: 'trn:tessera:deployment/reporting' }, { actor: 'user/admin' }]);
    expect((await tessera('dave', args)).err).toMatch(/: 403 /);

    // POST /v1/monitor/evaluations: this test server wires no monitor (409); a role without the right gets 403.
    const once = await tessera('admin', ['monitor', 'run-once', '--dry-run']);
    expect(once.code).toBe(1);
    expect(once.err).toContain('does not run the adaptation loop');
    expect((await tessera('dave', ['monitor', 'run-once'])).err).toMatch(/: 403 /);
  });
});
