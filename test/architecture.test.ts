/**
 * The dependency rules that `npm run check:deps` enforces, proven to bite: a fixture tree with a
 * pure engine that reads files and imports an adapter, and a module that bypasses an index.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as { forbidden: unknown[] };
const dir = mkdtempSync(join(tmpdir(), 'tessera-arch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe('dependency rules', () => {
  it('reject I/O in pure engines, adapters in engines and imports that bypass index.ts', async () => {
    file('src/policy/index.ts', "export * from './reader.js';\n");
    file('src/policy/reader.ts', "import { readFileSync } from 'node:fs';\nimport { run } from '../cli/index.js';\nexport const r = [readFileSync, run];\n");
    file('src/cli/index.ts', "export const run = 1;\n");
    file('src/cli/peek.ts', "import { r } from '../policy/reader.js';\nexport const p = r;\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const result = await cruise(['src'], { ruleSet: { forbidden: config.forbidden } as never, tsPreCompilationDeps: false, validate: true });
      const output = result.output as { summary: { violations: { rule: { name: string } }[] } };
      const names = output.summary.violations.map((v) => v.rule.name).sort();
      expect(names).toEqual(expect.arrayContaining(['only-through-index', 'pure-engine-no-adapters', 'pure-engine-no-io-builtins']));
    } finally {
      process.chdir(cwd);
    }
  });
});
