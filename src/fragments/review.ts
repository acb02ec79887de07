/**
 * Separation of duties on review: whoever wrote a version, or submitted it for review, may not
 * approve or reject it. The lifecycle (lifecycle.ts) says which moves exist; this says who may
 * make them. The control plane adds roles on top (design.md, approval workflow).
 */
import type { LifecycleAction } from './lifecycle.js';
import type { FragmentVersion } from './model.js';

/** A sentence saying why `actor` may not take `action` on `version`, or undefined. */
export function reviewProblem(version: FragmentVersion, action: LifecycleAction, actor: string): string | undefined {
  if (action !== 'approve' && action !== 'reject') return undefined;
  const who = actor.toLowerCase();
  if (version.createdBy.toLowerCase() === who) return `${actor} wrote ${version.id}@${version.version} and cannot review it`;
  const submission = [...version.history].reverse().find((h) => h.to === 'in-review');
  if (submission !== undefined && submission.by.toLowerCase() === who) return `${actor} submitted ${version.id}@${version.version} for review and cannot review it`;
  return undefined;
}
