/**
 * `--server URL --token T`: the fragment commands against a real Tessera server over HTTP (a real
 * port, a real SQLite control plane), with the server deciding who acts and what they may do.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';
import { createToken, startServer, type StartedServer } from '../server/index.js';
import { openSqliteControlPlane } from '../store/index.js';

const CATALOG = join(import.meta.dirname, '..', '..', 'catalog', 'fragments');
let server: StartedServer;
const tokens: Record<'author' | 'approver' | 'auditor', string> = { author: '', approver: '', auditor: '' };
let ownerTeam = '';

beforeAll(async () => {
  const store = await openSqliteControlPlane(':memory:');
  const at = new Date('2026-11-23T09:00:00Z');
  ownerTeam = (JSON.parse(await readFile(join(CATALOG, 's3-read-prefix.json'), 'utf8')) as { owner: string }).owner;
  tokens.author = (await createToken(store, { principal: 'user/dana', role: 'delegated-admin', team: ownerTeam, at })).token;
  tokens.approver = (await createToken(store, { principal: 'user/avery', role: 'approver', at })).token;
  tokens.auditor = (await createToken(store, { principal: 'user/audrey', role: 'auditor', at })).token;
  server = await startServer({ store, port: 0 });
});
afterAll(async () => {
  await server?.close();
});

const tessera = (who: keyof typeof tokens, args: string[]) => run(['--server', server.url, '--token', tokens[who], ...args], { env: { USER: 'local-name-is-ignored' } });

describe('tessera fragment --server', () => {
  it('adds, lists, submits and approves through the API, the token naming who acts', async () => {
    const add = await tessera('author', ['fragment', 'add', join(CATALOG, 's3-read-prefix.json'), '--json']);
    expect(add.err).toBe('');
    expect(add.code).toBe(0);
    expect(JSON.parse(add.out)[0]).toMatchObject({ id: 's3-read-prefix', version: 1, status: 'draft', createdBy: 'user/dana' });

    const list = await tessera('auditor', ['fragment', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out).items.map((v: { id: string }) => v.id)).toEqual(['s3-read-prefix']);

    expect((await tessera('author', ['fragment', 'submit', 's3-read-prefix@1'])).code).toBe(0);
    // Separation of duties is the server's: the author's own approval is refused, nothing changes.
    const own = await tessera('author', ['fragment', 'approve', 's3-read-prefix@1']);
    expect(own.code).toBe(1);
    expect(own.err).toMatch(/403/);
    const approved = await tessera('approver', ['fragment', 'approve', 's3-read-prefix@1', '--comment', 'fine', '--json']);
    expect(approved.code).toBe(0);

    const show = await tessera('auditor', ['fragment', 'show', 's3-read-prefix@1', '--json']);
    const v = JSON.parse(show.out) as { status: string; history: { by: string; to: string; comment?: string }[] };
    expect(v.status).toBe('approved');
    expect(v.history.at(-1)).toMatchObject({ by: 'user/avery', to: 'approved', comment: 'fine' });
  });

  it('reports what the server refuses, and a missing token or unreachable server, without a stack', async () => {
    const auditorWrites = await tessera('auditor', ['fragment', 'add', join(CATALOG, 'kms-decrypt-key.json')]);
    expect(auditorWrites.code).toBe(1);
    expect(auditorWrites.err).toMatch(/^tessera: server http:\/\/127\.0\.0\.1:\d+: 403 /m);
    expect(auditorWrites.err).not.toMatch(/at .*\.ts:\d+/);
    const noToken = await run(['--server', server.url, 'fragment', 'list'], { env: {} });
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('--server needs --token');
    const down = await run(['--server', 'http://127.0.0.1:9', '--token', 'tk_x.y', 'fragment', 'list'], { env: {} });
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot reach the server');
  });
});
