/**
 * The fragment lifecycle: draft → in-review → approved → deprecated → archived, with a rejection
 * from review back to the author (rejected → draft by a new submission). Versions are immutable;
 * only their status moves. A deprecated version stays usable where it is pinned (with a warning);
 * an archived or unapproved one never.
 */
import type { FragmentStatus } from './model.js';

export type LifecycleAction = 'submit' | 'approve' | 'reject' | 'deprecate' | 'archive';

const TRANSITIONS: Readonly<Record<LifecycleAction, { readonly from: readonly FragmentStatus[]; readonly to: FragmentStatus }>> = {
  submit: { from: ['draft', 'rejected'], to: 'in-review' },
  approve: { from: ['in-review'], to: 'approved' },
  reject: { from: ['in-review'], to: 'rejected' },
  deprecate: { from: ['approved'], to: 'deprecated' },
  archive: { from: ['draft', 'rejected', 'approved', 'deprecated'], to: 'archived' },
};

/** The status an action leads to, or a sentence saying why it cannot happen. */
export function transition(status: FragmentStatus, action: LifecycleAction): { ok: true; to: FragmentStatus } | { ok: false; reason: string } {
  const t = TRANSITIONS[action];
  if (t.from.includes(status)) return { ok: true, to: t.to };
  return { ok: false, reason: `cannot ${action} a version that is ${status} (only ${t.from.join(', ')})` };
}

/** Whether a pinned version may be used in a synthesis, and with what warning. */
export function usability(status: FragmentStatus): { usable: true; warning?: string } | { usable: false; reason: string } {
  switch (status) {
    case 'approved':
      return { usable: true };
    case 'deprecated':
      return { usable: true, warning: 'this version is deprecated: it stays usable where pinned, but move to its successor' };
    case 'archived':
      return { usable: false, reason: 'the version is archived and can no longer be used' };
    default:
      return { usable: false, reason: `the version is ${status}, not approved` };
  }
}
