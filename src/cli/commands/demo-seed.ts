/**
 * The seeded demo `npm start` serves (`tessera serve --demo`): the starter fragment catalog,
 * reviewed and approved by two different people (separation of duties holds in the seed too), the
 * payments team's boundary (examples/policies/team-boundary.json), two
 * registered apps at low and high risk from examples/ (stored as named app profiles and
 * environments, the deployments referencing them), and one token per role so every screen and
 * route can be tried. It seeds only an empty store, so restarting keeps whatever was changed.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadAwsCatalog, servicesOf } from '../../aws-catalog/index.js';
import { validateFragment, type FragmentContent } from '../../fragments/index.js';
import { resolveDeploymentDocuments } from '../../app/index.js';
import { assessRisk, checkApp, checkEnv, checkVulnerabilities } from '../../risk/index.js';
import { createToken } from '../../server/index.js';
import type { ControlPlaneStore, Role } from '../../store/index.js';
import { actionStrings } from './fragment.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DEMO_FRAGMENTS = join(ROOT, 'catalog', 'fragments');
const DEMO_BOUNDARY = join(ROOT, 'examples', 'policies', 'team-boundary.json');
const DEMO_BOUNDARY_ID = 'payments-team';
/** The team whose delegated admin (dana) synthesizes under the demo's boundary. */
const DEMO_TEAM = 'payments';
const DEMO_VULNERABILITIES = join(ROOT, 'examples', 'vulnerabilities.json');
export const DEMO_APPS = ['internal-reporting', 'public-payments'].map((name) => join(ROOT, 'examples', name));

/** Who the demo's tokens act as: an author and an approver are different people. */
const DEMO_PEOPLE: readonly { principal: string; role: Role; team?: string }[] = [
  { principal: 'user/dana', role: 'delegated-admin', team: DEMO_TEAM },
  { principal: 'user/avery', role: 'approver' },
  { principal: 'user/audrey', role: 'auditor' },
  { principal: 'service/payments-api', role: 'service' },
];
const AUTHOR = 'user/security-lead';
const APPROVER = 'user/avery';

export interface DemoSeedReport {
  seeded: boolean;
  fragments: number;
  boundary?: string;
  deployments: { id: string; tier: string; score: number }[];
  tokens: { principal: string; role: Role; token: string }[];
}

/** Seeds an empty store; leaves a store that has fragments or deployments alone. */
export async function seedDemo(store: ControlPlaneStore, now: Date): Promise<DemoSeedReport> {
  const empty = (await store.fragments.search({ limit: 0 })).total === 0 && (await store.deployments.listDeployments()).length === 0;
  if (!empty) return { seeded: false, fragments: 0, deployments: [], tokens: [] };
  const at = now.toISOString();

  const fragments = await starterFragments();
  for (const content of fragments) {
    const v = await store.fragments.create(content, { by: AUTHOR, at });
    await store.fragments.transition(v, 'submit', { by: AUTHOR, at, comment: 'starter catalog' }, 'draft');
    await store.fragments.transition(v, 'approve', { by: APPROVER, at, comment: 'reviewed for the demo' }, 'in-review');
  }
  // The payments team's boundary: what its delegated admin may compose policies within.
  const boundary = await store.policies.putBoundary(DEMO_BOUNDARY_ID, JSON.parse(await readFile(DEMO_BOUNDARY, 'utf8')), { by: AUTHOR, at }, DEMO_TEAM);
  await store.audit.append({ at, actor: 'system/demo', action: 'tessera:SeedDemo', resource: 'trn:tessera:demo', outcome: 'changed', detail: { fragments: fragments.length, author: AUTHOR, approver: APPROVER, boundary: `${boundary.id}@${boundary.version}` } });

  const vulnerabilities = checked(checkVulnerabilities(JSON.parse(await readFile(DEMO_VULNERABILITIES, 'utf8'))), DEMO_VULNERABILITIES);
  const deployments: DemoSeedReport['deployments'] = [];
  for (const dir of DEMO_APPS) {
    const app = checked(checkApp(parseYaml(await readFile(join(dir, 'app.yaml'), 'utf8'))), join(dir, 'app.yaml'));
    const environment = checked(checkEnv(parseYaml(await readFile(join(dir, 'env.yaml'), 'utf8'))), join(dir, 'env.yaml'));
    // No feeds are imported in a fresh demo: the known vulnerabilities come from examples/.
    const { profile } = assessRisk({ app, env: environment, vulnerabilities, intel: {} });
    // Stored as named documents and registered by reference (following the latest revision), so
    // editing the app or environment in the UI or API re-assesses the deployment.
    await store.artifacts.putDocument('app', app.name, app, { by: AUTHOR, at });
    await store.artifacts.putDocument('environment', environment.name, environment, { by: AUTHOR, at });
    const docs = await resolveDeploymentDocuments(store.artifacts, { ref: { name: app.name } }, { ref: { name: environment.name } });
    if (!docs.ok) throw new Error(`the demo's documents were not stored: ${docs.message}`);
    await store.deployments.putDeployment({ id: app.name, app: docs.app, environment: docs.environment, imageDigest: null, planDigest: null, riskTier: profile.tier, updatedAt: at, ...(docs.documents !== undefined ? { documents: docs.documents } : {}) });
    deployments.push({ id: app.name, tier: profile.tier, score: profile.score });
  }

  const tokens: DemoSeedReport['tokens'] = [];
  for (const p of DEMO_PEOPLE) {
    const t = await createToken(store, { principal: p.principal, role: p.role, team: p.team ?? null, createdBy: 'system/demo', at: now });
    tokens.push({ principal: p.principal, role: p.role, token: t.token });
  }
  return { seeded: true, fragments: fragments.length, boundary: `${boundary.id}@${boundary.version}`, deployments, tokens };
}

/** The starter catalog, validated as `tessera fragment add` validates it (a bad file stops the seed). */
async function starterFragments(): Promise<FragmentContent[]> {
  const files = (await readdir(DEMO_FRAGMENTS)).filter((f) => f.endsWith('.json')).sort();
  const values = await Promise.all(files.map(async (f) => [f, JSON.parse(await readFile(join(DEMO_FRAGMENTS, f), 'utf8')) as unknown] as const));
  const catalog = await loadAwsCatalog(servicesOf(values.flatMap(([, v]) => actionStrings(v))));
  return values.map(([file, value]) => {
    const r = validateFragment(value, { catalog });
    if (r.content === undefined) throw new Error(`the demo's fragment \`${file}\` does not validate: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    return r.content;
  });
}

function checked<T>(r: { ok: true; value: T } | { ok: false; diagnostics: readonly { message: string }[] }, file: string): T {
  if (!r.ok) throw new Error(`the demo's \`${file}\` does not validate: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.value;
}
