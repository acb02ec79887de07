/**
 * Setuid/setgid files as a cost of selection, with the real HiGHS solver: a control whose closure
 * installs setuid binaries costs more than the same control without them, is rejected once the
 * weight outprices its benefit, and packages without facts are priced at nothing and noted.
 */
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../catalog/index.js';
import { universeOf } from '../resolver/testing.js';
import { selectComponents } from './select.js';
import { DEFAULT_COST_WEIGHTS, type ControlOption, type SelectionInput } from './types.js';

// Two builds of the same guard: one pulls a helper that installs setuid binaries, one does not.
const universe = universeOf([
  'Package: app\nDepends: libc6',
  'Package: libc6\nInstalled-Size: 12000',
  'Package: guard-suid\nDepends: helper-suid\nInstalled-Size: 1000',
  'Package: helper-suid\nInstalled-Size: 1000',
  'Package: guard-plain\nDepends: helper-plain\nInstalled-Size: 1000',
  'Package: helper-plain\nInstalled-Size: 1000',
]);

const guard = (id: string, pkg: string): ControlOption => ({
  id, category: 'intrusion-response', title: id, packages: [pkg], mitigates: { 'brute-force': 0.5 }, ram: 'low', cpu: 'low', daemon: true, listens: false, excludes: [], nist: ['SI-4'],
});

const SETUID: Record<string, readonly string[]> = { 'helper-suid': ['/usr/bin/helper-mail (2755 root:mail)', '/usr/lib/helper/spool (4755 root:root)'] };
/** Facts for every package of the little archive: the helper's two files, nothing elsewhere. */
const facts = (c: Candidate) => SETUID[c.package.name] ?? [];

const input = (over: Partial<SelectionInput> = {}): SelectionInput => ({
  tier: 'high', threats: [{ id: 'brute-force', weight: 0.8 }], app: [{ name: 'app' }], controls: [], policy: {}, essential: false, setuidFiles: facts, ...over,
});

describe('setuid files in the selection cost', () => {
  it('charges a control for the setuid files its closure adds, and says which', async () => {
    const withSuid = await selectComponents(universe, input({ controls: [guard('guard', 'guard-suid')] }));
    const plain = await selectComponents(universe, input({ controls: [guard('guard', 'guard-plain')] }));
    if (!withSuid.ok || !plain.ok) throw new Error('selection failed');
    const [a] = withSuid.selection.controls;
    const [b] = plain.selection.controls;
    // Same benefit (40 points), so both are chosen; the closures differ only in the helper's two files.
    expect(a?.id).toBe('guard');
    expect(b?.id).toBe('guard');
    expect(a!.cost - b!.cost).toBeCloseTo(2 * DEFAULT_COST_WEIGHTS.perSetuidFile, 6);
    expect(a!.setuidFiles).toEqual(['/usr/bin/helper-mail (2755 root:mail)', '/usr/lib/helper/spool (4755 root:root)']);
    expect(b!.setuidFiles).toEqual([]);
    expect(a!.withoutFacts).toBe(0);
    expect(withSuid.selection.notes).toBeUndefined();
    expect(withSuid.selection.objective.value).toBeCloseTo(plain.selection.objective.value - 2 * DEFAULT_COST_WEIGHTS.perSetuidFile, 4);
  });

  it('rejects the control once the setuid weight outprices its benefit, and only the setuid one', async () => {
    // 40 points of benefit against a running cost of 14 and 0.29 for size: two files at 15 tip it.
    const weights = { ...DEFAULT_COST_WEIGHTS, perSetuidFile: 15 };
    const suid = await selectComponents(universe, input({ controls: [guard('guard', 'guard-suid')], weights }));
    const plain = await selectComponents(universe, input({ controls: [guard('guard', 'guard-plain')], weights }));
    if (!suid.ok || !plain.ok) throw new Error('selection failed');
    expect(suid.selection.controls).toEqual([]);
    expect(suid.selection.rejected).toEqual([{ id: 'guard', category: 'intrusion-response', reason: 'cost-over-benefit', detail: 'would add 40 points of risk-weighted mitigation for a cost of 44.29 (2 packages, 2.0 MiB, RAM low, CPU low, 2 setuid/setgid files)' }]);
    expect(suid.selection.packages.map((p) => p.name)).toEqual(['app', 'libc6']);
    expect(plain.selection.controls.map((c) => c.id)).toEqual(['guard']);
  });

  it('between two alternatives, prefers the one without setuid files when they are otherwise equal', async () => {
    const controls = [{ ...guard('guard-a', 'guard-suid'), excludes: ['guard-b'] }, { ...guard('guard-b', 'guard-plain'), excludes: ['guard-a'] }];
    const r = await selectComponents(universe, input({ controls }));
    expect(r.ok && r.selection.controls.map((c) => c.id)).toEqual(['guard-b']);
    // Without facts the two are priced alike; the first is kept by the solver's tie (either is right).
    const blind = await selectComponents(universe, input({ controls, setuidFiles: () => undefined }));
    expect(blind.ok && blind.selection.controls.length).toBe(1);
  });

  it('prices packages without facts at nothing and notes how many there were', async () => {
    const partial = (c: Candidate) => (c.package.name === 'helper-suid' ? undefined : facts(c));
    const r = await selectComponents(universe, input({ controls: [guard('guard', 'guard-suid')], setuidFiles: partial }));
    if (!r.ok) throw new Error('selection failed');
    expect(r.selection.controls[0]).toMatchObject({ setuidFiles: [], withoutFacts: 1 });
    expect(r.selection.notes).toEqual([{ code: 'select/no-package-facts', severity: 'warning', message: '1 of the 2 packages the controls would add have no package facts, so their setuid/setgid files were not priced (helper-suid)', help: expect.stringContaining('tessera catalog facts') }]);
    // Without the callback at all, nothing is reported either way (the caller did not ask).
    const none = await selectComponents(universe, input({ controls: [guard('guard', 'guard-suid')], setuidFiles: undefined }));
    expect(none.ok && none.selection.notes).toBeUndefined();
    expect(none.ok && none.selection.controls[0]?.setuidFiles).toBeUndefined();
  });
});
