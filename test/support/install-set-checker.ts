/**
 * An independent check of an install set, written from Debian Policy §7 without the resolver's
 * code: every Depends/Pre-Depends group has an installed member that satisfies it, no installed
 * package Conflicts with or Breaks another installed one, one version per package name. It uses
 * plain loops over the set, not the resolver's matcher, so a bug there shows up here.
 */
import { compareVersions, type BinaryPackage, type Relation } from '../../src/catalog/index.js';

function inRange(version: string, r: Relation): boolean {
  if (r.op === undefined || r.version === undefined) return true;
  const c = compareVersions(version, r.version);
  return r.op === '<<' ? c < 0 : r.op === '<=' ? c <= 0 : r.op === '=' ? c === 0 : r.op === '>=' ? c >= 0 : c > 0;
}

/** Does installed package `q` satisfy relation `r` (by its own name or by a Provides)? */
export function satisfies(q: BinaryPackage, r: Relation, architecture = 'amd64'): boolean {
  const qualifier = r.archQualifier;
  if (qualifier !== undefined && qualifier !== 'any' && qualifier !== 'native' && qualifier !== architecture) return false;
  if (q.name === r.name) {
    if (qualifier === 'any' && q.multiArch !== 'allowed') return false;
    if (inRange(q.version, r)) return true;
  }
  for (const group of q.provides) {
    for (const p of group) {
      if (p.name !== r.name) continue;
      if (r.op === undefined) return true;
      if (p.op === '=' && p.version !== undefined && inRange(p.version, r)) return true;
    }
  }
  return false;
}

export function installSetProblems(set: readonly BinaryPackage[], architecture = 'amd64'): string[] {
  const problems: string[] = [];
  const names = new Map<string, BinaryPackage>();
  for (const p of set) {
    if (p.architecture !== architecture && p.architecture !== 'all') problems.push(`${p.name} is for ${p.architecture}`);
    const other = names.get(p.name);
    if (other !== undefined) problems.push(`two versions of ${p.name}: ${other.version} and ${p.version}`);
    names.set(p.name, p);
  }
  for (const p of set) {
    for (const [field, groups] of [['Pre-Depends', p.preDepends], ['Depends', p.depends]] as const) {
      for (const group of groups) {
        if (!group.some((r) => set.some((q) => satisfies(q, r, architecture)))) {
          problems.push(`${p.name} ${field} ${group.map((r) => r.name).join(' | ')}: nothing installed satisfies it`);
        }
      }
    }
    for (const [field, groups] of [['Conflicts', p.conflicts], ['Breaks', p.breaks]] as const) {
      for (const group of groups) {
        for (const r of group) {
          for (const q of set) {
            if (q !== p && q.name !== p.name && satisfies(q, r, architecture)) problems.push(`${p.name} ${field} ${r.name}, but ${q.name} ${q.version} is installed`);
          }
        }
      }
    }
  }
  return problems;
}
