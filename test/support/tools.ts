/**
 * System tools used as oracles (dpkg, xz, skopeo, ...). A test that needs one fails under
 * CI=true when it is missing, and otherwise skips with a printed reason.
 */
import { spawnSync } from 'node:child_process';

export function hasTool(name: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
  if (found) return true;
  const reason = `\`${name}\` is not installed (the test uses it as an oracle)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI the test must not skip`);
  console.warn(`skipping: ${reason}`);
  return false;
}
