/**
 * The starter fragment catalog (catalog/fragments/*.json): every file is a well-formed
 * FragmentContent whose statements, once their parameters are bound, are IAM policies the
 * project's own validator accepts without errors, and whose signatures encode the toxic
 * combinations (conflicts, exclusive groups) the synthesis engine relies on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsCatalog, servicesOf } from '../src/aws-catalog/index.js';
import type { FragmentContent, ParameterSpec } from '../src/fragments/index.js';
import { validatePolicy, type Diagnostic, type ServiceCatalog } from '../src/policy/index.js';

const DIR = fileURLToPath(new URL('../catalog/fragments/', import.meta.url));

/** Sample values for parameters that have neither a default nor an enum (each must match its pattern). */
const SAMPLES: Readonly<Record<string, string>> = {
  account: '111122223333',
  bucket: 'acme-analytics-exports',
  prefix: 'reports/finance',
  table: 'orders',
  indexName: 'by-customer',
  functionName: 'orders-api',
  functionPrefix: 'payments',
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  queue: 'orders-events',
  topic: 'order-events',
  logGroup: '/ecs/payments-api',
  secretName: 'prod/payments/db-password',
  roleName: 'service-role/orders-worker',
  subnetId: 'subnet-0a1b2c3d4e5f67890',
  securityGroupId: 'sg-0123456789abcdef0',
  stackPrefix: 'payments',
  cluster: 'payments-prod',
  taskFamily: 'payments-worker',
  codeSigningConfigId: 'csc-0123456789abcdef0',
};

/** Per-fragment overrides where the shared sample does not suit the fragment. */
const FRAGMENT_SAMPLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'secretsmanager-rotate-secret': { rotationFunction: 'payments-db-rotator' },
  'lambda-create-function': { roleName: 'service-role/payments-lambda-exec' },
  'ecs-run-task': { roleName: 'payments-worker-task' },
};

const TOP_LEVEL_KEYS = ['id', 'title', 'description', 'resourceType', 'owner', 'tags', 'risk', 'parameters', 'requiredConditions', 'statements', 'signature'];
const PARAMETER_KEYS = ['description', 'pattern', 'enum', 'default', 'allowWildcards'];
const SIGNATURE_KEYS = ['provides', 'requires', 'conflictsWith', 'exclusiveGroup', 'riskBudget'];
const CAPABILITY_TAG = /^[a-z0-9-]+:[a-z0-9-]+$/;
/** `${name}`: a fragment slot (a bare identifier; IAM's own variables hold a colon). */
const SLOT = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

interface Loaded {
  readonly file: string;
  readonly raw: unknown;
  readonly fragment: FragmentContent;
}

const loaded: Loaded[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const raw: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    return { file, raw, fragment: raw as FragmentContent };
  });
const ids = new Set(loaded.map((l) => l.fragment.id));

/** Every string in a JSON value, object keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

function slotsIn(value: unknown): Set<string> {
  const out = new Set<string>();
  for (const s of strings(value)) for (const m of s.matchAll(SLOT)) out.add(m[1] as string);
  return out;
}

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** The value a parameter takes in the test: default, first enum value, or the hand-picked sample. */
function sampleValue(fragmentId: string, name: string, spec: ParameterSpec): string | undefined {
  return spec.default ?? spec.enum?.[0] ?? FRAGMENT_SAMPLES[fragmentId]?.[name] ?? SAMPLES[name];
}

function bind(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return value.replace(SLOT, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(value)) return value.map((v) => bind(v, values));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [bind(k, values) as string, bind(v, values)]));
  return value;
}

function boundValues(f: FragmentContent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(f.parameters)) {
    const v = sampleValue(f.id, name, spec);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function actionsOf(f: FragmentContent): string[] {
  return f.statements.flatMap((s) => {
    const a = s['Action'];
    return typeof a === 'string' ? [a] : Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : [];
  });
}

function asList(v: unknown): string[] {
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : [];
}

/** A statement's values for one operator and key (keys compared case-insensitively, as IAM does). */
function conditionValues(statement: Readonly<Record<string, unknown>>, operator: string, key: string): string[] | undefined {
  const block = statement['Condition'];
  if (block === null || typeof block !== 'object') return undefined;
  const byKey = (block as Record<string, unknown>)[operator];
  if (byKey === null || typeof byKey !== 'object') return undefined;
  const entry = Object.entries(byKey as Record<string, unknown>).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return entry === undefined ? undefined : asList(entry[1]);
}

let catalog: ServiceCatalog;
beforeAll(async () => {
  const services = new Set<string>();
  const fromActions = servicesOf(loaded.flatMap((l) => actionsOf(l.fragment)));
  if (fromActions === 'all') throw new Error('a fragment action has a wildcard service prefix');
  for (const s of fromActions) services.add(s);
  for (const l of loaded) if (typeof l.fragment.resourceType === 'string') services.add(l.fragment.resourceType.split(':')[0] ?? '');
  catalog = await loadAwsCatalog(services);
});

describe('catalog/fragments', () => {
  it('holds at least 30 fragments, one per file named after its id', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(30);
    for (const { file, fragment } of loaded) expect(`${fragment.id}.json`, file).toBe(file);
    expect(ids.size).toBe(loaded.length);
  });

  describe.each(loaded.map((l) => [l.fragment.id ?? l.file, l] as const))('%s', (_id, { raw, fragment: f }) => {
    it('has every field, typed', () => {
      expect(raw !== null && typeof raw === 'object' && !Array.isArray(raw)).toBe(true);
      expect(Object.keys(raw as object).filter((k) => !TOP_LEVEL_KEYS.includes(k)), 'unknown fields').toEqual([]);
      expect(f.id).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
      for (const k of ['title', 'description', 'owner'] as const) {
        expect(typeof f[k], k).toBe('string');
        expect(f[k].trim().length, k).toBeGreaterThan(0);
      }
      expect(f.description.length).toBeLessThanOrEqual(600);
      expect(f.resourceType).toMatch(/^[a-z0-9-]+:[A-Za-z0-9-]+$/);
      expect(Array.isArray(f.tags) && f.tags.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
      expect(Number.isInteger(f.risk)).toBe(true);
      expect(f.risk).toBeGreaterThanOrEqual(0);
      expect(f.risk).toBeLessThanOrEqual(100);
      expect(f.parameters !== null && typeof f.parameters === 'object' && !Array.isArray(f.parameters)).toBe(true);
      expect(Array.isArray(f.requiredConditions)).toBe(true);
      expect(Array.isArray(f.statements) && f.statements.length > 0).toBe(true);
      expect(f.signature !== null && typeof f.signature === 'object').toBe(true);
    });

    it('names a resource type of the AWS catalog', () => {
      const [service, type] = f.resourceType.split(':') as [string, string];
      const info = catalog.service(service)?.resourceTypes.get(type.toLowerCase());
      expect(info, `${f.resourceType} is not in the service authorization reference`).toBeDefined();
      expect(info?.name, 'resource type casing').toBe(type);
    });

    it('declares every slot it uses and uses every parameter it declares', () => {
      const used = slotsIn([f.statements, f.requiredConditions.map((c) => c.values ?? [])]);
      const declared = Object.keys(f.parameters);
      expect([...used].filter((n) => !declared.includes(n)), 'undeclared slots').toEqual([]);
      expect(declared.filter((n) => !used.has(n)), 'unused parameters').toEqual([]);
      // Every other `${...}` is an IAM variable (it holds a colon) or one of IAM's escapes.
      for (const s of strings(f.statements)) {
        for (const m of s.matchAll(/\$\{([^}]*)\}/g)) {
          const inner = m[1] as string;
          expect(/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) || inner.includes(':') || ['*', '?', '$'].includes(inner), `\`${m[0]}\` in \`${s}\``).toBe(true);
        }
      }
    });

    it('constrains every parameter with an anchored pattern or an enum that its values satisfy', () => {
      for (const [name, spec] of Object.entries(f.parameters)) {
        expect(Object.keys(spec).filter((k) => !PARAMETER_KEYS.includes(k)), `${name}: unknown fields`).toEqual([]);
        expect(spec.pattern !== undefined || spec.enum !== undefined, `${name} has neither pattern nor enum`).toBe(true);
        expect(spec.allowWildcards ?? false, `${name} allows wildcards`).toBe(false);
        const re = spec.pattern === undefined ? undefined : anchored(spec.pattern);
        if (spec.pattern !== undefined) {
          expect(spec.pattern.startsWith('^') && spec.pattern.endsWith('$'), `${name}: pattern not anchored`).toBe(true);
        }
        const accepts = (v: string) => (re === undefined || re.test(v)) && (spec.enum === undefined || spec.enum.includes(v));
        for (const v of spec.enum ?? []) {
          expect(re === undefined || re.test(v), `${name}: enum value ${v} fails the pattern`).toBe(true);
          expect(v, `${name}: enum value with a wildcard`).not.toMatch(/[*?]/);
        }
        if (spec.default !== undefined) expect(accepts(spec.default), `${name}: default ${spec.default}`).toBe(true);
        const sample = sampleValue(f.id, name, spec);
        expect(sample, `${name}: no default, enum or sample`).toBeDefined();
        expect(accepts(sample as string), `${name}: sample ${sample}`).toBe(true);
        // Without allowWildcards, no value may widen the grant.
        for (const probe of ['*', '?', `${sample}*`, `*${sample}`, `${sample}?`, `${sample}/*`]) {
          expect(accepts(probe), `${name} accepts ${probe}`).toBe(false);
        }
      }
    });

    it('carries every required condition in every statement', () => {
      const values = boundValues(f);
      for (const rc of f.requiredConditions) {
        expect(typeof rc.name === 'string' && typeof rc.operator === 'string' && typeof rc.key === 'string', JSON.stringify(rc)).toBe(true);
        f.statements.forEach((s, i) => {
          const found = conditionValues(s, rc.operator, rc.key);
          expect(found, `statement ${String(s['Sid'] ?? i)} lacks ${rc.operator} ${rc.key} (${rc.name})`).toBeDefined();
          for (const v of rc.values ?? []) {
            expect((found ?? []).map((x) => bind(x, values)), `statement ${String(s['Sid'] ?? i)}: ${rc.name} value ${v}`).toContain(bind(v, values));
          }
        });
      }
    });

    it('has statements with unique Sids that validate without errors once bound', () => {
      const sids = f.statements.map((s) => s['Sid']);
      expect(sids.every((s) => typeof s === 'string' && /^[A-Za-z0-9]+$/.test(s)), 'Sids').toBe(true);
      expect(new Set(sids).size).toBe(sids.length);
      const statements = bind(f.statements, boundValues(f)) as unknown[];
      expect(slotsIn(statements).size, 'unbound slots').toBe(0);
      const report = (where: string, ds: readonly Diagnostic[]) => {
        for (const d of ds.filter((x) => x.severity !== 'error')) console.log(`[${f.id}] ${where} ${d.severity} ${d.code} ${d.path ?? ''}: ${d.message}`);
        return ds.filter((d) => d.severity === 'error').map((d) => `${where} ${d.code} ${d.path ?? ''}: ${d.message}`);
      };
      const errors: string[] = [];
      // The fragment as one policy (what synthesis merges), then each statement on its own.
      errors.push(...report('policy', validatePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2), { policyType: 'identity', catalog })));
      statements.forEach((s, i) => {
        const ds = validatePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [s] }, null, 2), { policyType: 'identity', catalog });
        errors.push(...ds.filter((d) => d.severity === 'error').map((d) => `statement ${i} ${d.code} ${d.path ?? ''}: ${d.message}`));
      });
      expect(errors).toEqual([]);
    });

    it('has a well-formed synthesis signature', () => {
      const sig = f.signature;
      expect(Object.keys(sig).filter((k) => !SIGNATURE_KEYS.includes(k)), 'unknown signature fields').toEqual([]);
      expect(sig.provides.length).toBeGreaterThan(0);
      for (const t of [...sig.provides, ...sig.requires]) expect(t).toMatch(CAPABILITY_TAG);
      for (const c of sig.conflictsWith) {
        const m = /^(tag|fragment):(.+)$/.exec(c);
        expect(m, `${c} is neither tag: nor fragment:`).not.toBeNull();
        if (m?.[1] === 'tag') expect(m[2]).toMatch(CAPABILITY_TAG);
        if (m?.[1] === 'fragment') {
          expect(ids.has(m[2] as string), `${c} names no fragment`).toBe(true);
          expect(m[2], 'conflicts with itself').not.toBe(f.id);
        }
      }
      if (sig.exclusiveGroup !== undefined) expect(sig.exclusiveGroup).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(typeof sig.riskBudget === 'number' && sig.riskBudget >= 0 && sig.riskBudget <= 100).toBe(true);
      // A fragment's own tags are not among the ones it excludes.
      expect(sig.conflictsWith.filter((c) => c.startsWith('tag:') && sig.provides.includes(c.slice(4)))).toEqual([]);
    });
  });

  it('can satisfy every required capability from some fragment', () => {
    const provided = new Set(loaded.flatMap((l) => l.fragment.signature.provides));
    for (const { fragment: f } of loaded) for (const r of f.signature.requires) expect(provided.has(r), `${f.id} requires ${r}`).toBe(true);
  });

  it('encodes toxic combinations: at least 8 fragments with conflicts and 3 exclusive groups', () => {
    expect(loaded.filter((l) => l.fragment.signature.conflictsWith.length > 0).length).toBeGreaterThanOrEqual(8);
    const groups = new Map<string, string[]>();
    for (const { fragment: f } of loaded) {
      const g = f.signature.exclusiveGroup;
      if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), f.id]);
    }
    const real = [...groups.entries()].filter(([, members]) => members.length >= 2);
    expect(real.length, JSON.stringify(Object.fromEntries(groups))).toBeGreaterThanOrEqual(3);
  });

  it('keeps role passing apart from the services that run code with a passed role', () => {
    const passRole = loaded.filter((l) => l.fragment.signature.provides.includes('iam:pass-role'));
    expect(passRole.length).toBeGreaterThan(0);
    for (const { fragment: f } of passRole) {
      for (const t of ['lambda:create-function', 'lambda:update-code', 'ec2:run-instances', 'glue:create-dev-endpoint', 'cloudformation:create-stack']) {
        expect(f.signature.conflictsWith, f.id).toContain(`tag:${t}`);
      }
    }
  });
});
