/**
 * Which build of a package a plan takes when a security suite has one (issue 6: "prefer the
 * security-suite build at higher tiers"). Below the policy's `preferSecurityFromTier` (default
 * `high`) apt's order decides: priority, then the newest version. From that tier up the security
 * build wins over an equal version and over a pinned (higher-priority) source's older one, so a
 * high-risk image never keeps a pinned build without the security fix. It does not win over a
 * newer build elsewhere: on the real indexes the security suite often lags the point releases
 * (curl 7.88.1-10+deb12u5 in bookworm-security, +deb12u15 in bookworm main), and the newer build
 * carries the security fixes too, so preferring the older one would reopen fixed issues.
 * Pure: the universe is already loaded.
 */
import { compareVersions, type Candidate, type PackageUniverse } from '../../catalog/index.js';
import { higherTier, type Tier } from '../../risk/index.js';
import type { SelectionPolicy } from './types.js';

export const DEFAULT_PREFER_SECURITY_FROM: Tier = 'high';

export interface BuildChoice {
  /** The universe the resolver works in: security builds first when preferred at this tier. */
  readonly universe: PackageUniverse;
  readonly preferred: boolean;
  readonly floor: Tier;
  /** Why the chosen candidate is this build, when the name has a security build; else undefined. */
  readonly reasonFor: (chosen: Candidate) => string | undefined;
}

export function chooseBuilds(universe: PackageUniverse, policy: SelectionPolicy, tier: Tier): BuildChoice {
  const floor = policy.preferSecurityFromTier ?? DEFAULT_PREFER_SECURITY_FROM;
  const preferred = higherTier(tier, floor) === tier && universe.hasSecurityBuilds;
  const view = preferred ? universe.preferringSecurity() : universe;
  const reasonFor = (chosen: Candidate): string | undefined => {
    const all = universe.candidates(chosen.package.name);
    const security = all.find((c) => c.security);
    if (security === undefined) return undefined;
    // What apt alone would install: the first in the priority-then-version order.
    const apt = all[0] as Candidate;
    const aptText = `${apt.package.version} from ${apt.source} (priority ${apt.priority})`;
    if (chosen.security) {
      if (preferred) return `security build preferred at tier ${tier} (policy: from ${floor})${apt === chosen ? '; also apt\'s candidate' : `; apt would take ${aptText}`}`;
      return apt === chosen ? `from the security suite: apt's candidate (priority ${chosen.priority}, newest version)` : `from the security suite, as a dependency required this version`;
    }
    if (preferred) {
      const newest = all.filter((c) => c.security).map((c) => c.package.version).sort((a, b) => compareVersions(b, a))[0] as string;
      return compareVersions(chosen.package.version, newest) > 0
        ? `newer than the security build ${newest} from ${security.source} (which it supersedes), so kept at tier ${tier}`
        : `not the security build ${newest} from ${security.source}: a dependency required this version`;
    }
    return `apt's order below tier ${floor}: ${apt === chosen ? 'its candidate' : 'a dependency required this version'}, not the security build ${security.package.version} from ${security.source} (security builds are preferred from tier ${floor})`;
  };
  return { universe: view, preferred, floor, reasonFor };
}
