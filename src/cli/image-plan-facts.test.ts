/**
 * `tessera image plan` with package facts, on the real bookworm index and control catalog: the
 * repository's facts file covers every package a control adds (no note, the seed's example
 * unchanged), a facts file in which a chosen control's package ships setuid binaries makes the
 * plan show them and, priced high enough, drops that control; a bad --facts file stops the plan.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPackageFactsFile, type ImagePlan } from '../app/index.js';
import { bookwormAvailable, BOOKWORM } from '../../test/support/bookworm.js';
import { tessera as run } from '../../test/support/cli.js';
import { sharedData } from '../../test/support/shared-data.js';

const kev = sharedData(join('intel', 'kev-known_exploited_vulnerabilities.json'));
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const payments = () => ['--app', join(EXAMPLES, 'public-payments', 'app.yaml'), '--env', join(EXAMPLES, 'public-payments', 'env.yaml'), '--vulns', join(EXAMPLES, 'vulnerabilities.json'), '--kev', kev as string, '--no-feeds'];

describe.skipIf(!bookwormAvailable || kev === undefined)('tessera image plan with package facts', () => {
  let dir: string;
  const tessera = (args: string[]) => run(['--data-dir', dir, ...args]);
  const plan = async (args: string[]) => {
    const r = await tessera(['image', 'plan', ...args, '--json']);
    if (r.code !== 0) throw new Error(r.err);
    return JSON.parse(r.out) as ImagePlan;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-plan-facts-'));
    const imported = await tessera(['catalog', 'import', '--index', BOOKWORM.index as string, '--release', BOOKWORM.inRelease as string, '--keyring', BOOKWORM.keyring as string]);
    if (imported.code !== 0) throw new Error(imported.err);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prices setuid files from the facts file, shows them, and drops a control they outweigh', async () => {
    // The repository's facts cover every package the controls add, so nothing goes unpriced.
    const base = await plan(payments());
    expect(base.notes).toBeUndefined();
    expect(base.controls.map((c) => c.id)).toEqual(['nftables', 'sshguard', 'samhain', 'auditd', 'apparmor', 'unattended-upgrades']);
    const apparmor = base.controls.find((c) => c.id === 'apparmor')!;
    expect(apparmor.setuidFiles).toEqual([]);

    // The same facts, except that this apparmor build is said to install setuid binaries.
    const facts = JSON.parse(await readFile(defaultPackageFactsFile('bookworm'), 'utf8')) as { packages: Record<string, { setuid: unknown[] }> };
    const key = Object.keys(facts.packages).find((k) => k.startsWith('apparmor 3.0.8-3 amd64 '))!;
    const suid = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `/usr/sbin/aa-helper${i}`, mode: '4755', owner: 'root:root' }));
    const altered = join(dir, 'facts.json');
    facts.packages[key] = { setuid: suid(1) };
    await writeFile(altered, JSON.stringify(facts));
    const one = await plan([...payments(), '--facts', altered]);
    expect(one.controls.map((c) => c.id)).toEqual(base.controls.map((c) => c.id));
    const charged = one.controls.find((c) => c.id === 'apparmor')!;
    expect(charged.setuidFiles).toEqual(['/usr/sbin/aa-helper0 (4755 root:root)']);
    expect(charged.cost).toBeCloseTo(apparmor.cost + 2, 2);
    const text = await tessera(['image', 'plan', ...payments(), '--facts', altered]);
    expect(text.out).toMatch(/^ {2}apparmor .*cost [\d.]+ \(1 packages, 2\.5 MiB, setuid\/setgid: \/usr\/sbin\/aa-helper0\)/m);

    // Enough of them and AppArmor no longer pays for itself; the rejection says why.
    facts.packages[key] = { setuid: suid(8) };
    await writeFile(altered, JSON.stringify(facts));
    const many = await plan([...payments(), '--facts', altered]);
    expect(many.controls.map((c) => c.id)).not.toContain('apparmor');
    expect(many.rejected.find((r) => r.id === 'apparmor')).toMatchObject({ reason: 'cost-over-benefit', detail: expect.stringContaining('8 setuid/setgid files') });
    expect(many.digest).not.toBe(base.digest);
  }, 180_000);

  it('notes the packages without facts, and refuses a facts file it cannot read', async () => {
    const empty = join(dir, 'empty.json');
    await writeFile(empty, JSON.stringify({ format: 'tessera-package-facts/1', header: { generatedBy: 'test', indexes: [] }, packages: {} }));
    const blind = await plan([...payments(), '--facts', empty]);
    expect(blind.notes).toEqual([expect.objectContaining({ code: 'select/no-package-facts', message: expect.stringMatching(/^(\d+) of the \1 packages the controls would add have no package facts/) })]);
    const text = await tessera(['image', 'plan', ...payments(), '--facts', empty]);
    expect(text.out).toMatch(/^note: \d+ of the \d+ packages the controls would add have no package facts/m);

    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"format": "tessera-package-facts/1"');
    const out = join(dir, 'plan.json');
    const r = await tessera(['image', 'plan', ...payments(), '--facts', broken, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tessera: .*broken\.json: not JSON/m);
    const missing = await tessera(['image', 'plan', ...payments(), '--facts', join(dir, 'nope.json')]);
    expect(missing.err).toContain('nope.json: no such file');
  }, 180_000);
});
