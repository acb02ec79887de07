/**
 * "Killing the server mid-load loses no committed change" (issue 8): a real `tessera serve`
 * process on a SQLite data directory takes concurrent writes, is killed with SIGKILL while they
 * are in flight, and a second process on the same directory must hold every write the first one
 * acknowledged (201), with the audit chain intact and an audit record for every committed fragment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tessera');
let dir = '';
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  /** Resolves when the process has exited (listened for from the start, so it cannot be missed). */
  exited: Promise<unknown>;
  url: string;
  token: string | null;
}

/** Starts `tessera serve --json` and resolves with its URL and bootstrap token (null on a restart). */
function startServe(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise((r) => child.once('exit', r));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const o = JSON.parse(line) as { url: string; bootstrapToken: string | null };
      resolve({ child, exited, url: o.url, token: o.bootstrapToken });
    });
    void exited.then((code) => reject(new Error(`tessera serve exited (${String(code)}) before listening: ${err}`)));
  });
}

describe('a server killed mid-load', () => {
  it('loses no acknowledged write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-crash-'));
    const template = JSON.parse(await readFile(join(ROOT, 'catalog', 'fragments', 's3-read-prefix.json'), 'utf8')) as Record<string, unknown>;
    const first = await startServe(dir);
    expect(first.token).toMatch(/^tk_/);
    const auth = { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' };

    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    // 8 writers keep requests in flight; the process is killed after 60 acknowledgements.
    const writer = async () => {
      while (!killed) {
        const id = `crash-${next++}`;
        try {
          const r = await fetch(`${first.url}/v1/fragments`, { method: 'POST', headers: auth, body: JSON.stringify({ ...template, id }) });
          if (r.status === 201) acknowledged.push(id);
          else if (!killed) throw new Error(`unexpected ${r.status}: ${await r.text()}`);
        } catch (e) {
          if (!killed) throw e;
        }
        if (acknowledged.length >= 60 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    await first.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);

    const second = await startServe(dir);
    expect(second.token).toBeNull(); // the store kept its tokens
    const again = { authorization: auth.authorization };
    for (const id of acknowledged) {
      const r = await fetch(`${second.url}/v1/fragments/${id}`, { headers: again });
      expect(r.status, id).toBe(200);
    }
    const verify = await fetch(`${second.url}/v1/audit/verify`, { headers: again });
    expect(verify.status).toBe(200);
    expect(((await verify.json()) as { ok: boolean }).ok).toBe(true);

    // Every committed fragment, acknowledged or not (the kill can land between commit and reply),
    // has its audit record, and no record names a fragment that is not there (issue 8: a change and
    // its record commit together).
    const stored: string[] = [];
    for (let i = 0; i < next; i++) {
      const r = await fetch(`${second.url}/v1/fragments/crash-${i}`, { headers: again });
      if (r.status === 200) stored.push(`trn:tessera:fragment/crash-${i}@1`);
      else expect(r.status, `crash-${i}`).toBe(404);
    }
    const audited: string[] = [];
    for (let after = 0; ; ) {
      const page = (await (await fetch(`${second.url}/v1/audit?after=${after}&limit=1000`, { headers: again })).json()) as { items: { seq: number; action: string; outcome: string; resource: string }[] };
      if (page.items.length === 0) break;
      for (const r of page.items) if (r.action === 'tessera:CreateFragment' && r.outcome === 'changed') audited.push(r.resource);
      after = page.items.at(-1)?.seq ?? after;
    }
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
    expect(audited.sort()).toEqual(stored.sort());
    second.child.kill('SIGTERM');
    await second.exited;
  }, 120_000);
});
