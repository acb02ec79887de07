/**
 * A cube: the requests one statement matches — an action set, a resource set and a constraint per
 * context key, all independent, so a cube is empty exactly when one of its dimensions is. The
 * containment search subtracts cubes from cubes; subtracting B from A yields, for each dimension d
 * that B constrains, the piece "A with d outside B_d" (the pieces cover A \ B).
 */
import { complementKey, intersectKey, isEmptyKey, type KeyConstraint } from './key-constraint.js';
import type { StringSet } from './string-set.js';

export interface Cube {
  readonly action: StringSet;
  readonly resource: StringSet;
  /** By lower-cased key name; a key not listed is unconstrained. */
  readonly keys: ReadonlyMap<string, KeyConstraint>;
}

export function intersectCubes(a: Cube, b: Cube): Cube {
  const keys = new Map(a.keys);
  for (const [k, c] of b.keys) {
    const mine = keys.get(k);
    keys.set(k, mine === undefined ? c : intersectKey(mine, c));
  }
  return { action: a.action.intersect(b.action), resource: a.resource.intersect(b.resource), keys };
}

export function isEmptyCube(c: Cube): boolean {
  if (c.action.isEmpty || c.resource.isEmpty) return true;
  for (const k of c.keys.values()) if (isEmptyKey(k)) return true;
  return false;
}

/** Whether the cubes share a request: dimension by dimension, stopping at the first that is disjoint. */
export function cubesOverlap(a: Cube, b: Cube): boolean {
  if (a.action.intersect(b.action).isEmpty || a.resource.intersect(b.resource).isEmpty) return false;
  for (const [k, c] of b.keys) {
    const mine = a.keys.get(k);
    if (mine !== undefined && isEmptyKey(intersectKey(mine, c))) return false;
  }
  for (const c of b.keys.values()) if (isEmptyKey(c)) return false;
  for (const c of a.keys.values()) if (isEmptyKey(c)) return false;
  return true;
}

/** The pieces of `a` outside `b` (their union is a \ b; empty pieces left out). */
export function subtractCube(a: Cube, b: Cube): Cube[] {
  const pieces: Cube[] = [];
  const push = (c: Cube) => {
    if (!isEmptyCube(c)) pieces.push(c);
  };
  if (!b.action.isAll) push({ ...a, action: a.action.minus(b.action) });
  if (!b.resource.isAll) push({ ...a, resource: a.resource.minus(b.resource) });
  for (const [k, c] of b.keys) {
    const mine = a.keys.get(k);
    const outside = complementKey(c);
    const keys = new Map(a.keys);
    keys.set(k, mine === undefined ? outside : intersectKey(mine, outside));
    push({ ...a, keys });
  }
  return pieces;
}
