import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tessera as run } from '../../test/support/cli.js';
import { importFeed } from '../app/index.js';
import { FileFeedStore } from '../store/index.js';
import { sharedData } from '../../test/support/shared-data.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EPSS = join(ROOT, 'testdata', 'intel', 'epss_scores-2025-08-25.csv');
const KEV = sharedData(join('intel', 'kev-known_exploited_vulnerabilities.json'));
let dir: string;
const tessera = (args: string[], files: Record<string, string> = {}) => run(['--data-dir', dir, ...args], { files });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-intel-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tessera intel', () => {
  it('imports EPSS, reports it, and leaves the snapshot alone when the same file comes again', async () => {
    const first = await tessera(['intel', 'import', 'epss', EPSS, '--json']);
    expect(first.code).toBe(0);
    const snap = JSON.parse(first.out) as { changed: boolean; snapshot: { records: number; version: string; hash: string } };
    expect(snap).toMatchObject({ changed: true, snapshot: { records: 7, version: 'v2025.03.14 2025-08-25T00:00:00Z' } });
    const again = await tessera(['intel', 'import', 'epss', EPSS]);
    expect(again.out).toMatch(/^unchanged/);
    const status = await tessera(['intel', 'status', '--json']);
    expect(JSON.parse(status.out)).toMatchObject({ feeds: [{ source: 'kev', current: null, stored: 0 }, { source: 'epss', current: { hash: snap.snapshot.hash }, stored: 1 }, { source: 'debian-tracker', current: null }, { source: 'osv', current: null }] });
  });

  it('rejects a bad feed whole: diagnostics, exit 1, the current snapshot stays', async () => {
    expect((await tessera(['intel', 'import', 'epss', EPSS])).code).toBe(0);
    const before = JSON.parse((await tessera(['intel', 'status', '--json'])).out) as unknown;
    const good = await readFile(EPSS, 'utf8');
    const bad = await tessera(['intel', 'import', 'epss', 'bad.csv'], { 'bad.csv': good.replace('0.94468', '7') });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.csv: line 4: error[intel/epss-invalid]: the EPSS score of CVE-2014-0160 must be a number from 0 to 1');
    expect(bad.err).toMatch(/rejected: nothing imported; the current snapshot stays v2025\.03\.14/);
    expect(JSON.parse((await tessera(['intel', 'status', '--json'])).out)).toEqual(before);
    expect(before).toMatchObject({ feeds: [{ source: 'kev', stored: 0 }, { source: 'epss', stored: 1 }, {}, {}] });
  });

  it('moves the feed files of an older data directory into its store once, history and current snapshot included', async () => {
    // What an older Tessera left: snapshots as files under <data-dir>/intel.
    const files = new FileFeedStore(join(dir, 'intel'));
    const good = await readFile(EPSS, 'utf8');
    await importFeed(files, 'epss', good, EPSS, new Date('2026-11-20T10:00:00Z'));
    await importFeed(files, 'epss', good.replace('0.00862', '0.60000'), 'newer.csv', new Date('2026-11-21T10:00:00Z'));
    const status = await tessera(['intel', 'status', '--json']);
    // Reading without a store yet reads the files and creates nothing.
    expect(JSON.parse(status.out)).toMatchObject({ feeds: [{}, { source: 'epss', stored: 2, current: { origin: 'newer.csv' } }, {}, {}] });
    expect(existsSync(join(dir, 'tessera.db'))).toBe(false);
    const kev = await tessera(['intel', 'import', 'kev', join(ROOT, 'testdata', 'intel', 'kev-sample.json')]);
    expect(kev.code, kev.err).toBe(0);
    expect(kev.err).toContain('moved 2 epss snapshot(s) into the store');
    expect(await readdir(join(dir, 'intel'))).toEqual(expect.arrayContaining(['index.imported.json']));
    const after = JSON.parse((await tessera(['intel', 'status', '--json'])).out) as { feeds: { source: string; stored: number; current: { origin: string } | null }[] };
    expect(after.feeds.map((f) => [f.source, f.stored, f.current?.origin ?? null])).toEqual([['kev', 1, join(ROOT, 'testdata', 'intel', 'kev-sample.json')], ['epss', 2, 'newer.csv'], ['debian-tracker', 0, null], ['osv', 0, null]]);
    // The diff of the moved history still works, and the second open moves nothing and says nothing.
    const d = await tessera(['intel', 'diff', 'epss', '--json']);
    expect(d.err).toBe('');
    expect(JSON.parse(d.out)).toMatchObject({ changes: [{ cve: 'CVE-2025-48384', from: 0.00862, to: 0.6 }] });
  });

  it('a monitor dry run on an older data directory moves no feed files; the real run does', async () => {
    const files = new FileFeedStore(join(dir, 'intel'));
    await importFeed(files, 'epss', await readFile(EPSS, 'utf8'), EPSS, new Date('2026-11-20T10:00:00Z'));
    const dry = await tessera(['monitor', 'run-once', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.err).not.toContain('moved');
    expect(await files.exists()).toBe(true);
    const db = new Database(join(dir, 'tessera.db'), { readonly: true });
    try {
      expect(db.prepare('select count(*) as n from feed_snapshots').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    const real = await tessera(['monitor', 'run-once']);
    expect(real.code, real.err).toBe(0);
    expect(real.err).toContain('moved 1 epss snapshot(s) into the store');
    expect(await files.exists()).toBe(false);
  });

  it('diffs the current EPSS snapshot against the previous one', async () => {
    const old = await readFile(EPSS, 'utf8');
    await tessera(['intel', 'import', 'epss', 'old.csv'], { 'old.csv': old.replace('0.00862', '0.00100').replace('2025-08-25T', '2025-08-24T') });
    await tessera(['intel', 'import', 'epss', 'new.csv'], { 'new.csv': old.replace('0.00862', '0.60000') });
    const d = await tessera(['intel', 'diff', 'epss', '--json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toMatchObject({ changes: [{ cve: 'CVE-2025-48384', from: 0.001, to: 0.6, delta: 0.599 }], newlyScored: 0 });
    const text = await tessera(['intel', 'diff', 'epss']);
    expect(text.out).toContain('▲ CVE-2025-48384');
  });

  it.skipIf(KEV === undefined)('imports the real KEV catalog and diffs it against an older cut', async () => {
    const real = await readFile(KEV as string, 'utf8');
    const doc = JSON.parse(real) as { count: number; catalogVersion: string; vulnerabilities: { cveID: string }[] };
    const older = { ...doc, catalogVersion: '2025.08.20', count: doc.count - 2, vulnerabilities: doc.vulnerabilities.slice(2) };
    expect((await tessera(['intel', 'import', 'kev', 'older.json'], { 'older.json': JSON.stringify(older) })).code).toBe(0);
    const now = await tessera(['intel', 'import', 'kev', KEV as string]);
    expect(now.out).toMatch(/^imported: CISA KEV 2025\.08\.25: 1,404 records/);
    const d = JSON.parse((await tessera(['intel', 'diff', 'kev', '--json'])).out) as { added: { cve: string }[]; removed: string[] };
    expect(d.added.map((e) => e.cve).sort()).toEqual(doc.vulnerabilities.slice(0, 2).map((v) => v.cveID).sort());
    expect(d.removed).toEqual([]);
  });

  it('diffs Debian tracker snapshots: newly disclosed and newly fixed', async () => {
    const sample = await readFile(join(ROOT, 'testdata', 'intel', 'debian-tracker-sample.json'), 'utf8');
    const doc = JSON.parse(sample) as Record<string, Record<string, { releases: Record<string, Record<string, string>> }>>;
    expect((await tessera(['intel', 'import', 'debian-tracker', 'before.json'], { 'before.json': sample })).code).toBe(0);
    const git = doc.git?.['CVE-2025-48384'];
    if (git === undefined) throw new Error('fixture changed');
    git.releases.bookworm = { status: 'resolved', fixed_version: '1:2.39.5-0+deb12u3', urgency: 'high' };
    (doc.curl ??= {})['CVE-2025-9999'] = { releases: { bookworm: { status: 'open', urgency: 'not yet assigned' } } };
    expect((await tessera(['intel', 'import', 'debian-tracker', 'after.json'], { 'after.json': JSON.stringify(doc) })).code).toBe(0);
    const d = JSON.parse((await tessera(['intel', 'diff', 'debian-tracker', '--release', 'bookworm', '--json'])).out) as unknown;
    expect(d).toEqual({
      disclosed: [{ source: 'curl', cve: 'CVE-2025-9999', release: 'bookworm' }],
      fixed: [{ source: 'git', cve: 'CVE-2025-48384', release: 'bookworm', fixedVersion: '1:2.39.5-0+deb12u3' }],
    });
    expect((await tessera(['intel', 'diff', 'debian-tracker'])).out).toContain('✓ CVE-2025-48384   git (bookworm) fixed in 1:2.39.5-0+deb12u3');
  });

  it('says so, without a stack, when a stored snapshot was changed behind the store\'s back', async () => {
    expect((await tessera(['intel', 'import', 'epss', EPSS])).code).toBe(0);
    const raw = new Database(join(dir, 'tessera.db'));
    try {
      expect(raw.prepare('update feed_contents set content = ?').run('tampered').changes).toBe(1);
    } finally {
      raw.close();
    }
    const r = await tessera(['risk', 'assess', '--app', join(ROOT, 'examples', 'public-payments', 'app.yaml'), '--env', join(ROOT, 'examples', 'public-payments', 'env.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tessera: snapshot [0-9a-f]{12} of epss does not match its hash: the stored content was changed\n$/);
  });

  it('says what is wrong with the command line', async () => {
    expect((await tessera(['intel', 'import', 'nvd', 'x'])).err).toMatch(/unknown feed `nvd`/);
    expect((await tessera(['intel', 'import', 'kev', 'x.json', '--url', 'http://127.0.0.1:1/'])).err).toMatch(/give the feed file or --url, not both/);
    expect((await tessera(['intel', 'import', 'kev'])).err).toMatch(/configure its URL in .*feeds\.json/);
    expect((await tessera(['intel', 'diff', 'kev'])).err).toMatch(/no current kev snapshot/);
  });
});

describe('tessera intel import --url (a real HTTP server)', () => {
  let server: Server;
  let url: string;
  const seen: { ifNoneMatch?: string }[] = [];
  beforeAll(async () => {
    const body = await readFile(EPSS, 'utf8');
    server = createServer((req, res) => {
      seen.push({ ifNoneMatch: req.headers['if-none-match'] });
      if (req.url === '/missing') return void res.writeHead(404).end();
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { etag: '"v1"', 'content-type': 'text/csv' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps the ETag and sends it back: the second fetch is a 304 and changes nothing', async () => {
    const first = await tessera(['intel', 'import', 'epss', '--url', `${url}/epss.csv`, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ changed: true, snapshot: { etag: '"v1"', origin: `${url}/epss.csv` } });
    const second = await tessera(['intel', 'import', 'epss', '--url', `${url}/epss.csv`]);
    expect(second.out).toMatch(/not modified since the current snapshot \(HTTP 304\)/);
    expect(seen.at(-1)?.ifNoneMatch).toBe('"v1"');
    // The URL may also come from <data-dir>/feeds.json.
    const configured = await run(['--data-dir', dir, 'intel', 'import', 'epss'], { files: { [join(dir, 'feeds.json')]: JSON.stringify({ epss: `${url}/epss.csv` }) } });
    expect(configured.out).toMatch(/not modified since the current snapshot/);
    const missing = await tessera(['intel', 'import', 'epss', '--url', `${url}/missing`]);
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/HTTP 404/)]);
  });
});

describe('tessera risk assess', () => {
  const args = (example: string) => ['risk', 'assess', '--app', join(ROOT, 'examples', example, 'app.yaml'), '--env', join(ROOT, 'examples', example, 'env.yaml'), '--vulns', join(ROOT, 'examples', 'vulnerabilities.json')];

  it('prints a report with the factor table, SSVC decisions and why', async () => {
    await tessera(['intel', 'import', 'epss', EPSS]);
    const r = await tessera([...args('public-payments'), '--kev', join(ROOT, 'testdata', 'intel', 'kev-sample.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^public-payments on prod-us-east: risk \d+(\.\d)? \/ 100, tier CRITICAL/);
    expect(r.out).toMatch(/intel: KEV sample-2025\.08\.25, EPSS v2025\.03\.14/);
    expect(r.out).toMatch(/vulnerability-severity {2}1\.00/);
    expect(r.out).toMatch(/IMMEDIATE {4}CVE-2014-6271 in bash/);
    expect(r.out).toContain('because exploitation active (in CISA KEV since 2022-01-28)');
  });

  it('prints the profile as JSON with the documented fields, the same bytes every time', async () => {
    const a = await tessera([...args('internal-reporting'), '--no-feeds', '--json']);
    const b = await tessera([...args('internal-reporting'), '--no-feeds', '--json']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const p = JSON.parse(a.out) as Record<string, unknown> & { vulnerabilities: Record<string, unknown>[] };
    for (const k of ['score', 'tier', 'factors', 'threats', 'vulnerabilities']) expect(p).toHaveProperty(k);
    for (const k of ['cve', 'cvss', 'epss', 'kev', 'ssvc']) expect(p.vulnerabilities[0]).toHaveProperty(k);
  });

  it('finds the vulnerabilities itself from imported Debian tracker and OSV snapshots', async () => {
    expect((await tessera(['intel', 'import', 'debian-tracker', join(ROOT, 'testdata', 'intel', 'debian-tracker-sample.json')])).code).toBe(0);
    expect((await tessera(['intel', 'import', 'osv', join(ROOT, 'testdata', 'intel', 'osv-debian-sample.json')])).code).toBe(0);
    const base = ['risk', 'assess', '--app', join(ROOT, 'examples', 'public-payments', 'app.yaml'), '--env', join(ROOT, 'examples', 'public-payments', 'env.yaml')];
    const r = await tessera([...base, '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as { vulnerabilities: { cve: string; package: string; cvss: { vector: string } | null }[] };
    expect(p.vulnerabilities.map((v) => `${v.package} ${v.cve}`).sort()).toEqual([
      'libc6 CVE-2023-4911', 'libcurl4 CVE-2025-0001', 'libnghttp2-14 CVE-2023-44487', 'libssl3 CVE-2024-2511', 'openssh-server CVE-2024-6387', 'sudo CVE-2021-3156',
    ]);
    expect(p.vulnerabilities.find((v) => v.cve === 'CVE-2024-6387')?.cvss?.vector).toBe('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H');
    const text = await tessera(base);
    expect(text.err).toMatch(/vulnerabilities from the Debian tracker and OSV for bookworm: 6 affect the app; left out 1 fixed in the installed version, 1 not affecting bookworm, 1 unimportant/);
    expect((await tessera([...base, '--release', 'hamm'])).err).toMatch(/unknown Debian release `hamm`/);
  });

  it('reports input errors with JSON paths and exits 1; YAML syntax errors with the line', async () => {
    const bad = await tessera(['risk', 'assess', '--app', 'app.yaml', '--env', join(ROOT, 'examples', 'public-payments', 'env.yaml')], { 'app.yaml': 'name: x\ndata: {sensitivity: secret}\nusers: {base: public}\ncriticality: high\npackages: []\n' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('app.yaml: $.data.sensitivity: error[risk/app-schema]: $.data.sensitivity must be one of "public", "internal", "confidential", "restricted"');
    const syntax = await tessera(['risk', 'assess', '--app', 'app.yaml', '--env', 'env.yaml'], { 'app.yaml': 'name: [x\n', 'env.yaml': 'name: e\nexposure: internal\n' });
    expect(syntax.code).toBe(1);
    expect(syntax.err).toMatch(/app\.yaml: line \d+: error\[risk\/syntax\]/);
  });
});
