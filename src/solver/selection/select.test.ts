import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { universeOf } from '../resolver/testing.js';
import { APPROXIMATION_ERROR, removedShare } from './layers.js';
import { selectComponents } from './select.js';
import { DEFAULT_COST_WEIGHTS, type ControlOption, type SelectionInput } from './types.js';

// A tiny archive: an app, two firewalls that conflict, an IDS with a shared library, a scanner.
const universe = universeOf([
  'Package: app\nDepends: libc6',
  'Package: libc6\nInstalled-Size: 12000',
  'Package: fw-a\nDepends: libnft\nConflicts: fw-b\nInstalled-Size: 300',
  'Package: fw-b\nDepends: libnft\nInstalled-Size: 500',
  'Package: libnft\nInstalled-Size: 700',
  'Package: ids\nDepends: libnft, libyara\nInstalled-Size: 2000',
  'Package: libyara\nInstalled-Size: 400',
  'Package: scanner\nDepends: libyara\nInstalled-Size: 200000',
  'Package: broken-tool\nDepends: not-in-archive',
]);

const control = (id: string, category: string, packages: string[], mitigates: Record<string, number>, extra: Partial<ControlOption> = {}): ControlOption => ({
  id, category, title: id, packages, mitigates, ram: 'low', cpu: 'low', daemon: true, listens: false, excludes: [], nist: ['SC-7'], ...extra,
});
const CONTROLS = [
  control('fw-a', 'firewall', ['fw-a'], { 'lateral-movement': 0.6, 'brute-force': 0.3 }, { excludes: ['fw-b'] }),
  control('fw-b', 'firewall', ['fw-b'], { 'lateral-movement': 0.5, 'brute-force': 0.3 }, { excludes: ['fw-a'] }),
  control('ids', 'file-integrity', ['ids'], { persistence: 0.7, malware: 0.3 }, { ram: 'medium' }),
  control('scanner', 'malware-scan', ['scanner'], { malware: 0.8 }, { ram: 'high', cpu: 'high' }),
  control('broken', 'audit', ['broken-tool'], { persistence: 0.5 }),
];
const threats = (w: number) => ['lateral-movement', 'brute-force', 'persistence', 'malware'].map((id) => ({ id, weight: w }));
const input = (over: Partial<SelectionInput> = {}): SelectionInput => ({ tier: 'low', threats: threats(0.05), app: [{ name: 'app' }], controls: CONTROLS, policy: {}, essential: false, ...over });

describe('selectComponents', () => {
  it('at low risk keeps the image to the app and its dependencies, saying why each control is out', async () => {
    const r = await selectComponents(universe, input());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.selection.packages.map((p) => [p.name, p.layer, p.why.kind])).toEqual([['app', 'base', 'app'], ['libc6', 'base', 'dependency']]);
    expect(r.selection.controls).toEqual([]);
    expect(r.selection.rejected.find((c) => c.id === 'fw-a')).toMatchObject({ reason: 'cost-over-benefit', detail: expect.stringMatching(/^would add 4\.5 points of risk-weighted mitigation for a cost of 14\.15 \(2 packages, 1\.0 MiB, RAM low, CPU low\)$/) });
    expect(r.selection.rejected.find((c) => c.id === 'broken')).toMatchObject({ reason: 'uninstallable' });
  });

  it('at high risk adds the controls worth their cost, one firewall, and shares a library\'s cost', async () => {
    const r = await selectComponents(universe, input({ tier: 'high', threats: threats(0.8) }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.selection.controls.map((c) => c.id)).toEqual(['fw-a', 'ids']);
    expect(r.selection.packages.filter((p) => p.layer === 'security').map((p) => `${p.name}:${p.why.kind}`)).toEqual(['fw-a:control', 'ids:control', 'libnft:dependency', 'libyara:dependency']);
    expect(r.selection.rejected.find((c) => c.id === 'fw-b')).toMatchObject({ reason: 'excluded-by' });
    // The scanner's 195 MiB outweigh what it adds once ids covers part of malware.
    expect(r.selection.rejected.find((c) => c.id === 'scanner')).toMatchObject({ reason: 'cost-over-benefit' });
    expect(r.selection.controls[0]?.benefit).toEqual({ 'lateral-movement': 48, 'brute-force': 24 });
  });

  it('charges the known vulnerabilities of the packages a control adds', async () => {
    const r = await selectComponents(universe, input({ tier: 'high', threats: threats(0.8), knownVulnerabilities: (c) => (c.package.name === 'fw-a' ? 9.8 : 0) }));
    expect(r.ok && r.selection.controls.map((c) => c.id)).toEqual(['fw-b', 'ids']);
    expect(r.ok && r.selection.rejected.find((c) => c.id === 'fw-a')).toMatchObject({ reason: 'excluded-by' });
  });

  it('meets required controls and tier minimums, and names the clashing rules when the policy cannot be met', async () => {
    const required = await selectComponents(universe, input({ policy: { required: ['scanner'], minimumCategories: { low: ['firewall'] } } }));
    expect(required.ok && required.selection.controls.map((c) => [c.id, c.requiredBy])).toEqual([['fw-a', undefined], ['scanner', 'policy: required']]);
    const clash = await selectComponents(universe, input({ policy: { required: ['fw-b'], prohibited: ['fw-*'], maxImageMiB: 500 } }));
    expect(clash.ok).toBe(false);
    expect(clash.ok ? [] : clash.diagnostics[0]?.clash).toEqual(['policy: fw-b — fw-b is prohibited by policy (`fw-*`)', 'policy: fw-b is required']);
    const tooSmall = await selectComponents(universe, input({ policy: { required: ['scanner'], maxImageMiB: 20 } }));
    expect(tooSmall.ok ? [] : tooSmall.diagnostics[0]?.clash).toEqual(['policy: scanner is required', 'policy: the image is at most 20 MiB installed (the app alone is 11.7 MiB)']);
    const unknown = await selectComponents(universe, input({ policy: { required: ['no-such-control'] } }));
    expect(unknown.ok ? [] : unknown.diagnostics.map((d) => d.message)).toEqual(['the policy requires `no-such-control`, which is not among the controls offered at the low tier']);
    const appProhibited = await selectComponents(universe, input({ policy: { prohibited: ['libc*'] } }));
    expect(appProhibited.ok ? undefined : appProhibited.diagnostics[0]?.code).toBe('select/app-unresolvable');
  });

  it('finds the best subset of controls, as brute force over every subset does', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), async (ws) => {
      const ts = ['lateral-movement', 'brute-force', 'persistence', 'malware'].map((id, i) => ({ id, weight: ws[i]! }));
      const r = await selectComponents(universe, input({ threats: ts }));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const installable = CONTROLS.filter((c) => c.id !== 'broken');
      const size: Record<string, number> = { 'fw-a': 300, 'fw-b': 500, libnft: 700, ids: 2000, libyara: 400, scanner: 200000 };
      const closure: Record<string, string[]> = { 'fw-a': ['fw-a', 'libnft'], 'fw-b': ['fw-b', 'libnft'], ids: ['ids', 'libnft', 'libyara'], scanner: ['scanner', 'libyara'] };
      const w = DEFAULT_COST_WEIGHTS;
      const value = (set: readonly ControlOption[]) => {
        const benefit = ts.reduce((n, t) => n + w.benefitScale * t.weight * removedShare(set.flatMap((c) => (c.mitigates[t.id] !== undefined ? [c.mitigates[t.id]!] : []))), 0);
        const running = set.reduce((n, c) => n + w.perControl + w.ram[c.ram] + w.cpu[c.cpu] + w.daemon, 0);
        const packages = new Set(set.flatMap((c) => closure[c.id]!));
        return benefit - running - [...packages].reduce((n, p) => n + (size[p]! / 1024) * w.perMiB, 0);
      };
      let best = 0;
      for (let mask = 0; mask < 1 << installable.length; mask++) {
        const set = installable.filter((_, i) => (mask & (1 << i)) !== 0);
        if (set.some((c) => c.id === 'fw-a') && set.some((c) => c.id === 'fw-b')) continue;
        best = Math.max(best, value(set));
      }
      // The program bounds each threat's removed share by tangents, so its choice is within the
      // approximation's error of the true best, and its own value over-states by at most that.
      const tolerance = ts.reduce((n, t) => n + w.benefitScale * t.weight * APPROXIMATION_ERROR, 0) + 1e-6;
      const chosen = value(installable.filter((c) => r.selection.controls.some((k) => k.id === c.id)));
      expect(chosen).toBeGreaterThanOrEqual(best - tolerance);
      expect(chosen).toBeLessThanOrEqual(best + 1e-9);
      expect(r.selection.objective.benefit - r.selection.objective.cost).toBeCloseTo(chosen, 1);
    }), { numRuns: 40 });
  });
});
