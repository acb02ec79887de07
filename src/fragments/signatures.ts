/**
 * Synthesis signatures checked across a composition: every `requires` tag provided by another
 * fragment, no `conflictsWith` tag or fragment present, at most one fragment per exclusive group,
 * and the total risk within the budget.
 */
import { fragmentDiagnostic, type FragmentDiagnostic } from './fragment-diagnostics.js';
import { formatRef, type FragmentVersion } from './model.js';

export function checkSignatures(versions: readonly FragmentVersion[], riskBudget: number | undefined): FragmentDiagnostic[] {
  const out: FragmentDiagnostic[] = [];
  const name = (v: FragmentVersion) => formatRef(v);
  const providers = (tag: string, except: FragmentVersion) => versions.filter((v) => v !== except && v.content.signature.provides.includes(tag));
  const reported = new Set<string>();
  for (const v of versions) {
    const sig = v.content.signature;
    for (const tag of sig.requires) {
      if (providers(tag, v).length === 0) {
        out.push(fragmentDiagnostic('synthesis/missing-requirement', `\`${name(v)}\` requires \`${tag}\`, which no other fragment of the composition provides`, `add a fragment that provides \`${tag}\``, { fragment: name(v) }));
      }
    }
    for (const c of sig.conflictsWith) {
      const [kind, target = ''] = [c.slice(0, c.indexOf(':')), c.slice(c.indexOf(':') + 1)];
      const clash = kind === 'tag' ? providers(target, v) : versions.filter((o) => o !== v && o.id === target);
      for (const o of clash) {
        // Each pair once, whichever of the two declares the conflict.
        const pair = [v.id, o.id].sort().join('\u0000');
        if (reported.has(pair)) continue;
        reported.add(pair);
        out.push(fragmentDiagnostic('synthesis/conflict', `\`${name(v)}\` must not be combined with \`${name(o)}\` (${kind === 'tag' ? `it provides \`${target}\`` : 'named directly'})`, 'these permissions together allow privilege escalation or break separation of duties; split them between principals', { fragment: name(v) }));
      }
    }
  }
  const groups = new Map<string, FragmentVersion[]>();
  for (const v of versions) {
    const g = v.content.signature.exclusiveGroup;
    if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), v]);
  }
  for (const [g, members] of groups) {
    if (members.length > 1) out.push(fragmentDiagnostic('synthesis/exclusive-group', `${members.map((m) => `\`${name(m)}\``).join(' and ')} are in the exclusive group \`${g}\``, 'keep one of them', { fragment: members.map(name).join(', ') }));
  }
  const total = versions.reduce((n, v) => n + v.content.signature.riskBudget, 0);
  if (riskBudget !== undefined && total > riskBudget) {
    out.push(fragmentDiagnostic('synthesis/risk-budget', `the composition costs ${total} risk points; the budget is ${riskBudget}`, `remove fragments, or ask for a larger budget (largest: ${[...versions].sort((a, b) => b.content.signature.riskBudget - a.content.signature.riskBudget).slice(0, 3).map((v) => `\`${v.id}\` ${v.content.signature.riskBudget}`).join(', ')})`, {}));
  }
  return out;
}
