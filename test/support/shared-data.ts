/**
 * Real data from `../shared/data` (CISA KEV, SSVC tables, Debian archives), or from
 * `TESSERA_SHARED_DATA` when set (`.ci/run` sets it, since a CI clone may live elsewhere). A test
 * that needs it fails under CI=true when it is missing, and otherwise skips with a printed reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED_DATA = process.env.TESSERA_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

/** The absolute path of `relative` under ../shared/data, or undefined (with a printed reason) to skip. */
export function sharedData(relative: string): string | undefined {
  const path = join(SHARED_DATA, relative);
  if (existsSync(path)) return path;
  const reason = `${path} is missing (the real data this test checks against)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI the test must not skip`);
  console.warn(`skipping: ${reason}`);
  return undefined;
}
