/**
 * What changed between two snapshots of a feed: the threat picture's deltas that matter for
 * re-assessment (the monitor rebuilds on them): new KEV entries, EPSS jumps above a threshold.
 */
import type { EpssSnapshot } from './epss.js';
import type { KevCatalog, KevEntry } from './kev.js';

export interface KevDiff {
  readonly from: string;
  readonly to: string;
  /** Entries in `to` and not in `from`, by date added then CVE. */
  readonly added: readonly KevEntry[];
  /** CVE ids in `from` and not in `to` (CISA rarely withdraws one; worth seeing when it does). */
  readonly removed: readonly string[];
}

export interface EpssChange {
  readonly cve: string;
  /** null: not scored in that snapshot. */
  readonly from: number | null;
  readonly to: number | null;
  readonly delta: number;
}

export interface EpssDiff {
  readonly from: string;
  readonly to: string;
  readonly threshold: number;
  /** Scores that moved by at least the threshold (new CVEs count from 0), largest rise first. */
  readonly changes: readonly EpssChange[];
  readonly newlyScored: number;
  readonly noLongerScored: number;
}

export function diffKev(from: KevCatalog, to: KevCatalog): KevDiff {
  const added = to.entries.filter((e) => !from.byCve.has(e.cve)).sort((a, b) => (a.dateAdded < b.dateAdded ? -1 : a.dateAdded > b.dateAdded ? 1 : a.cve < b.cve ? -1 : 1));
  const removed = from.entries.filter((e) => !to.byCve.has(e.cve)).map((e) => e.cve).sort();
  return { from: from.catalogVersion, to: to.catalogVersion, added, removed };
}

export function diffEpss(from: EpssSnapshot, to: EpssSnapshot, threshold = 0.1): EpssDiff {
  const changes: EpssChange[] = [];
  let newlyScored = 0;
  let noLongerScored = 0;
  for (const [cve, now] of to.scores) {
    const before = from.scores.get(cve);
    if (before === undefined) newlyScored++;
    const delta = now.epss - (before?.epss ?? 0);
    if (Math.abs(delta) >= threshold) changes.push({ cve, from: before?.epss ?? null, to: now.epss, delta: Math.round(delta * 1e5) / 1e5 });
  }
  for (const [cve, before] of from.scores) {
    if (to.scores.has(cve)) continue;
    noLongerScored++;
    if (before.epss >= threshold) changes.push({ cve, from: before.epss, to: null, delta: -before.epss });
  }
  changes.sort((a, b) => b.delta - a.delta || (a.cve < b.cve ? -1 : 1));
  return { from: `${from.modelVersion} ${from.scoreDate}`, to: `${to.modelVersion} ${to.scoreDate}`, threshold, changes, newlyScored, noLongerScored };
}
