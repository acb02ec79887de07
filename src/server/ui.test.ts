/**
 * The web UI end to end in a real browser: Debian's chromium (driven by playwright-core, which
 * downloads nothing) against the real server on a temporary SQLite store, with the UI built from
 * web/ for this run. Signs in with a token, searches, opens a fragment, approves it as someone other
 * than its author, and checks through the API that the approval happened; a stale ETag shows its
 * 412 problem; the audit, deployments and decide screens show what the API says; a synthesized
 * policy goes from submitted to approved to active on its review screen, and a self-approval shows
 * its 403; a delegated admin composes a policy (search, parameters, a refused preview, an
 * approvable one) and creates the draft.
 * Without chromium it skips with a reason (and fails under CI=true, like the other tool tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../test/support/tools.js';
import { openSqliteControlPlane } from '../store/index.js';
import { fragmentBody, startHarness, type Harness } from './testing/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const HAS_CHROMIUM = hasTool('chromium');

describe.skipIf(!HAS_CHROMIUM)('web UI in chromium', () => {
  let dir: string;
  let h: Harness;
  let browser: Browser;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-ui-e2e-'));
    // Built from the sources of this checkout, not whatever web/dist holds.
    const vite = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'web', 'vite.config.ts'), '--outDir', join(dir, 'ui'), '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    if (vite.status !== 0) throw new Error(`vite build failed:\n${vite.stdout}\n${vite.stderr}`);
    h = await startHarness(() => openSqliteControlPlane(join(dir, 'tessera.db')), { uiDir: join(dir, 'ui') });

    // alice (payments) writes and submits one fragment; the admin writes and submits another.
    expect((await h.call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('pay-read', 'payments') })).status).toBe(201);
    expect((await h.call('POST', '/v1/fragments/pay-read/versions/1/transitions', { as: 'alice', body: { action: 'submit' }, headers: { 'if-match': '"pay-read@1:draft"' } })).status).toBe(200);
    expect((await h.call('POST', '/v1/fragments', { body: fragmentBody('ops-logs', 'ops', { title: 'Read the ops log bucket', tags: ['logs'] }) })).status).toBe(201);
    expect((await h.call('POST', '/v1/fragments/ops-logs/versions/1/transitions', { body: { action: 'submit' }, headers: { 'if-match': '"ops-logs@1:draft"' } })).status).toBe(200);
    expect((await h.call('PUT', '/v1/deployments/checkout', { body: { app: { name: 'checkout' }, environment: { exposure: 'internet' } } })).status).toBe(201);
    // Images are recorded by the monitor, not through the API: straight into the store.
    const image = { deploymentId: 'checkout', planDigest: `sha256:${'c'.repeat(64)}`, at: new Date().toISOString(), riskTier: 'high' };
    await h.store.deployments.recordImage({ ...image, fromDigest: null, toDigest: `sha256:${'a'.repeat(64)}`, reasons: [{ kind: 'initial', message: 'no image yet: build one for tier high' }] });
    await h.store.deployments.recordImage({ ...image, fromDigest: `sha256:${'a'.repeat(64)}`, toDigest: `sha256:${'b'.repeat(64)}`, reasons: [{ kind: 'kev', message: 'CVE-2024-0001 in libssl3 is known exploited' }] });

    // Root may not use chromium's sandbox (no user namespaces for it in a container).
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** A page signed in with `token` (or showing why not: a wrong token stays on the sign-in screen). */
  async function signedIn(token: string, expectSignIn = true): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('Content Security Policy')) cspErrors.push(m.text());
    });
    await page.goto(`${h.url}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The token is stored once whoami has answered; navigating earlier would lose it.
    if (expectSignIn) await page.getByTestId('whoami').waitFor();
    return page;
  }

  it('signs in, searches, opens a fragment and approves it as a reviewer', async () => {
    const page = await signedIn(h.tokens.carol);
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('user/carol · approver');

    await page.getByLabel('Text').fill('objects');
    await page.getByLabel('Tags').fill('s3');
    await page.getByLabel('Status').selectOption('in-review');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/fragments\?text=objects&tag=s3&status=in-review$/);
    await expect.poll(() => page.getByTestId('result-count').textContent()).toBe('1–1 of 1');

    await page.getByRole('link', { name: 'pay-read@1' }).click();
    await page.waitForURL(/\/fragments\/pay-read\/versions\/1$/);
    await expect.poll(() => page.locator('dl.facts').textContent()).toContain('user/alice at');
    await page.getByLabel('Comment').fill('bucket scope is right');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('pay-read@1 is now approved');

    const after = await h.call('GET', '/v1/fragments/pay-read/versions/1');
    expect(after.body.status).toBe('approved');
    expect(after.body.history.at(-1)).toMatchObject({ from: 'in-review', to: 'approved', by: 'user/carol', comment: 'bucket scope is right' });

    // A reload of the UI route keeps the session (sessionStorage) and shows the new status.
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toContain('approved');
    await page.close();
  });

  it('shows the 412 problem when the version changed after it was loaded', async () => {
    const page = await signedIn(h.tokens.carol);
    await page.goto(`${h.url}/fragments/ops-logs/versions/1`);
    await page.getByRole('button', { name: 'Approve' }).waitFor();
    expect((await h.call('POST', '/v1/fragments/ops-logs/versions/1/transitions', { as: 'carol', body: { action: 'reject' }, headers: { 'if-match': '"ops-logs@1:in-review"' } })).status).toBe(200);
    await page.getByRole('button', { name: 'Approve' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('412 Precondition Failed');
    expect((await h.call('GET', '/v1/fragments/ops-logs/versions/1')).body.status).toBe('rejected');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('rejected');
    await page.close();
  });

  it('shows a 403 problem to a role that may not review', async () => {
    await h.call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('pay-write', 'payments') });
    await h.call('POST', '/v1/fragments/pay-write/versions/1/transitions', { as: 'alice', body: { action: 'submit' }, headers: { 'if-match': '"pay-write@1:draft"' } });
    const page = await signedIn(h.tokens.olga);
    await page.goto(`${h.url}/fragments/pay-write/versions/1`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('403 Forbidden');
    await page.close();
  });

  it('shows the audit chain, deployments and a decision', async () => {
    const page = await signedIn(h.tokens.admin);
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect.poll(() => page.getByTestId('chain').textContent()).toContain('Chain intact');
    await expect.poll(() => page.locator('table').textContent()).toContain('tessera:ApproveFragment');

    await page.getByRole('link', { name: 'Deployments' }).click();
    await expect.poll(() => page.locator('table').textContent()).toContain('checkout');
    const row = await page.locator('tbody tr').first().textContent();
    expect(row).toContain('high');
    expect(row).toContain(`sha256:${'b'.repeat(12)}`);
    await page.getByRole('button', { name: 'Lineage' }).click();
    const lineage = page.locator('ol.lineage');
    await expect.poll(() => lineage.textContent()).toContain('kev: CVE-2024-0001 in libssl3 is known exploited');
    expect(await lineage.locator('> li').count()).toBe(2);
    expect(await lineage.textContent()).toContain(`none → sha256:${'a'.repeat(12)}`);

    await page.getByRole('link', { name: 'Decide' }).click();
    await page.getByRole('button', { name: 'Decide' }).click();
    const decision = page.getByTestId('decision');
    await expect.poll(() => decision.textContent()).toContain('ImplicitDeny');
    expect(await decision.textContent()).toContain('aws:MultiFactorAuthPresent');
    await page.close();
    expect(cspErrors).toEqual([]);
  });

  it('rejects a wrong token with the server\'s problem', async () => {
    const page = await signedIn('tk_0123456789abcdef.wrong', false);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('401 Unauthorized');
    await page.close();
  });

  it('walks a synthesized policy from submitted to approved to active, refusing a self-approval with its 403', async () => {
    // An approved fragment and a boundary; the admin synthesizes a policy and submits it.
    expect((await h.call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('ui-s3', 'payments') })).status).toBe(201);
    expect((await h.call('POST', '/v1/fragments/ui-s3/versions/1/transitions', { as: 'alice', body: { action: 'submit' }, headers: { 'if-match': '"ui-s3@1:draft"' } })).status).toBe(200);
    expect((await h.call('POST', '/v1/fragments/ui-s3/versions/1/transitions', { as: 'carol', body: { action: 'approve' }, headers: { 'if-match': '"ui-s3@1:in-review"' } })).status).toBe(200);
    expect((await h.call('PUT', '/v1/boundaries/ui-boundary', { body: { document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } } })).status).toBe(200);
    const created = await h.call('POST', '/v1/policies', { body: { id: 'ui-pay', team: 'payments', fragments: [{ ref: 'ui-s3@1', params: { bucket: 'acme-reports' } }], boundary: { id: 'ui-boundary' } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.call('POST', '/v1/policies/ui-pay/versions/1/transitions', { body: { action: 'submit' }, headers: { 'if-match': '"ui-pay@1:draft"' } })).status).toBe(200);

    // The admin wrote and submitted it: approving it is refused, and the page says why.
    const own = await signedIn(h.tokens.admin);
    await own.getByRole('link', { name: 'Policies' }).click();
    await own.getByRole('link', { name: 'ui-pay' }).click();
    await own.waitForURL(/\/policies\/ui-pay\/versions\/1$/);
    await own.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => own.getByRole('alert').textContent()).toContain('403 Forbidden');
    expect(await own.getByRole('alert').textContent()).toContain('separation of duties');
    expect((await h.call('GET', '/v1/policies/ui-pay/versions/1')).body.status).toBe('submitted');
    await own.close();

    // The approver reviews: no active version to compare with, the verdict, the grant, effective permissions.
    const page = await signedIn(h.tokens.carol);
    await page.goto(`${h.url}/policies/ui-pay/versions/1`);
    await expect.poll(() => page.getByTestId('verdict').textContent()).toContain('nothing: no version is active');
    expect(await page.getByTestId('verdict').textContent()).toContain('contained');
    expect(await page.getByTestId('diff').textContent()).toMatch(/^\+ .*arn:aws:s3:::acme-reports\/\*/);
    expect(await page.getByTestId('effective').textContent()).toContain('s3');
    await page.getByLabel('Comment').fill('one bucket, read-only');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('approved');
    await page.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('active');
    expect(await page.getByTestId('policy-versions').textContent()).toContain('version 1 active risk 0 by user/admin');
    await page.close();

    const after = await h.call('GET', '/v1/policies/ui-pay/versions/1');
    expect(after.body).toMatchObject({ status: 'active', history: [{ to: 'submitted', by: 'user/admin' }, { to: 'approved', by: 'user/carol', comment: 'one bucket, read-only' }, { to: 'active', by: 'user/carol' }] });
  });

  it('lets a delegated admin compose a policy: find a fragment, fill its parameter, preview, create the draft', async () => {
    expect((await h.call('POST', '/v1/fragments', { as: 'alice', body: fragmentBody('ui-compose', 'payments') })).status).toBe(201);
    expect((await h.call('POST', '/v1/fragments/ui-compose/versions/1/transitions', { as: 'alice', body: { action: 'submit' }, headers: { 'if-match': '"ui-compose@1:draft"' } })).status).toBe(200);
    expect((await h.call('POST', '/v1/fragments/ui-compose/versions/1/transitions', { as: 'carol', body: { action: 'approve' }, headers: { 'if-match': '"ui-compose@1:in-review"' } })).status).toBe(200);
    const doc = (Action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
    for (const [id, Action, team] of [['ui-team', 's3:Get*', 'payments'], ['ui-narrow', 's3:ListBucket', 'payments'], ['ui-ops', 's3:Get*', 'ops']]) {
      expect((await h.call('PUT', `/v1/boundaries/${id}`, { body: { document: doc(Action as string), team } })).status).toBe(200);
    }

    const page = await signedIn(h.tokens.alice);
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('link', { name: 'Compose a policy' }).click();
    await page.waitForURL(/\/policies\/new$/);
    await page.locator('input[name=policy-id]').fill('ui-composed');
    expect(await page.locator('input[name=team]').inputValue()).toBe('payments');
    // Only the team's own boundaries are offered.
    await expect.poll(() => page.locator('select[name=boundary] option').allTextContents()).toContain('ui-team v1 (team payments)');
    const offered = await page.locator('select[name=boundary] option').allTextContents();
    expect(offered.some((o) => o.startsWith('ui-ops'))).toBe(false);
    await page.locator('select[name=boundary]').selectOption('ui-narrow');
    await page.locator('input[name=fragment-text]').fill('ui-compose');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('found').getByRole('button', { name: 'Add' }).click();
    await page.locator('input[name=param-ui-compose-bucket]').fill('acme-ui');

    // Under the narrow boundary the proof fails, with the request that shows it; nothing can be created.
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.getByTestId('preview').textContent()).toContain('Refused');
    expect(await page.getByTestId('preview-errors').textContent()).toMatch(/synthesis\/not-contained.*for example s3:GetObject on arn:aws:s3:::acme-ui\//);
    expect(await page.getByRole('button', { name: 'Create draft' }).isDisabled()).toBe(true);

    // Another boundary is another composition: preview again, then create.
    await page.locator('select[name=boundary]').selectOption('ui-team');
    await expect.poll(() => page.getByText('The composition changed since the preview').count()).toBe(1);
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.getByTestId('preview').textContent()).toContain('Approvable');
    const shown = await page.getByTestId('preview').textContent();
    expect(shown).toContain('contained');
    expect(shown).toContain('user/alice has no assignment');
    expect(shown).toContain('arn:aws:s3:::acme-ui/*');
    expect(await page.getByTestId('effective').textContent()).toContain('s3');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/policies\/ui-composed\/versions\/1$/);
    await expect.poll(() => page.locator('h1').textContent()).toContain('draft');
    await page.close();

    const stored = await h.call('GET', '/v1/policies/ui-composed/versions/1');
    expect(stored.body).toMatchObject({ status: 'draft', createdBy: 'user/alice', team: 'payments', request: { boundary: { id: 'ui-team', version: 1 }, fragments: [{ ref: 'ui-compose@1', params: { bucket: 'acme-ui' } }] } });
    expect(cspErrors).toEqual([]);
  });
});
