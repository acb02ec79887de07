/**
 * The fragment store port over a Tessera server's HTTP API (`--server URL --token TOKEN`), so that
 * every `tessera fragment` and `tessera synth` command works against a shared control plane as it
 * does on the embedded store. The server decides who acts (the token's principal): the actor a
 * command passes is not sent. A transition pins the status it expects with `If-Match`, so a
 * concurrent change fails as it does locally (StaleStatusError), not by overwriting.
 */
import {
  FragmentExistsError, FragmentNotFoundError, StaleStatusError,
  type Actor, type FragmentContent, type FragmentQuery, type FragmentRef, type FragmentSearchResult, type FragmentStatus, type FragmentStore, type FragmentVersion, type LifecycleAction,
} from '../fragments/index.js';
import { ServerProblemError } from './errors.js';
import { ServerClient } from './remote-client.js';

/** The most a page of the server's search returns (its MAX_PAGE). */
const PAGE = 500;

export interface ServerConnection {
  /** Base URL, e.g. http://127.0.0.1:8750 */
  url: string;
  token: string;
  fetch?: typeof fetch;
}

interface Problem {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
}

export class RemoteFragmentStore implements FragmentStore {
  private readonly base: string;
  private readonly client: ServerClient;

  constructor(server: ServerConnection) {
    this.client = new ServerClient(server.url, server.token, server.fetch ?? fetch);
    this.base = this.client.base;
  }

  async create(content: FragmentContent, _actor: Actor): Promise<FragmentVersion> {
    const r = await this.call('POST', '/v1/fragments', content);
    if (r.problem?.code === 'fragment-store/exists') throw new FragmentExistsError(content.id);
    return this.version(r);
  }

  async addVersion(content: FragmentContent, _actor: Actor): Promise<FragmentVersion> {
    const r = await this.call('POST', `/v1/fragments/${enc(content.id)}/versions`, content);
    if (r.problem?.code === 'fragment-store/not-found') throw new FragmentNotFoundError(content.id);
    return this.version(r);
  }

  async get(ref: FragmentRef): Promise<FragmentVersion | undefined> {
    const r = await this.call('GET', `/v1/fragments/${enc(ref.id)}/versions/${ref.version}`);
    if (r.status === 404) return undefined;
    return this.version(r);
  }

  async versions(id: string): Promise<FragmentVersion[]> {
    const r = await this.call('GET', `/v1/fragments/${enc(id)}`);
    if (r.status === 404) return [];
    const overview = this.ok(r) as { versions: { version: number }[] };
    const out: FragmentVersion[] = [];
    for (const v of overview.versions) {
      const full = await this.get({ id, version: v.version });
      if (full !== undefined) out.push(full);
    }
    return out;
  }

  async transition(ref: FragmentRef, action: LifecycleAction, actor: Actor & { comment?: string }, expected?: FragmentStatus): Promise<FragmentVersion> {
    // Without an expected status, the current one (read now) is what the change is based on.
    const base = expected ?? (await this.get(ref))?.status;
    if (base === undefined) throw new FragmentNotFoundError(ref.id, ref.version);
    const body = actor.comment === undefined ? { action } : { action, comment: actor.comment };
    const r = await this.call('POST', `/v1/fragments/${enc(ref.id)}/versions/${ref.version}/transitions`, body, { 'if-match': `"${ref.id}@${ref.version}:${base}"` });
    if (r.status === 412) {
      const actual = (await this.get(ref))?.status;
      if (actual !== undefined) throw new StaleStatusError(ref, base, actual);
    }
    if (r.problem?.code === 'fragment-store/not-found') throw new FragmentNotFoundError(ref.id, ref.version);
    return this.version(r);
  }

  async search(query: FragmentQuery): Promise<FragmentSearchResult> {
    // As the local stores: an empty status list matches nothing (the server would read it as no filter).
    if (query.status !== undefined && query.status.length === 0) return { items: [], total: 0 };
    const want = query.limit;
    let offset = query.offset ?? 0;
    const items: FragmentVersion[] = [];
    let total: number;
    // The server pages at most PAGE at a time; a query without a limit wants every match.
    for (;;) {
      const limit = want === undefined ? PAGE : Math.min(PAGE, want - items.length);
      const r = await this.call('GET', `/v1/fragments?${searchParams(query, limit, offset).toString()}`);
      const page = this.ok(r) as { items: FragmentVersion[]; total: number };
      items.push(...page.items);
      total = page.total;
      offset += page.items.length;
      if (page.items.length === 0 || offset >= total || (want !== undefined && items.length >= want)) break;
    }
    return { items, total };
  }

  async close(): Promise<void> {}

  private version(r: Reply): FragmentVersion {
    return this.ok(r) as FragmentVersion;
  }

  private ok(r: Reply): unknown {
    if (r.problem !== undefined) throw new ServerProblemError(this.base, r.problem.status, r.problem.title ?? '', r.problem.detail ?? '', r.problem.code);
    return r.body;
  }

  /** The reply, or its problem: the callers map some problems to the fragment store's own errors. */
  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    try {
      const r = await this.client.call<unknown>(method, path, body, headers);
      return { status: r.status, body: r.body };
    } catch (e) {
      // Unreachable (status 0) stays an error; a problem reply is handed back.
      if (!(e instanceof ServerProblemError) || e.status === 0) throw e;
      return { status: e.status, problem: { status: e.status, title: e.title, detail: e.detail, ...(e.code === undefined ? {} : { code: e.code }) } };
    }
  }
}

interface Reply {
  status: number;
  body?: unknown;
  problem?: Problem;
}

const enc = encodeURIComponent;

function searchParams(q: FragmentQuery, limit: number, offset: number): URLSearchParams {
  const p = new URLSearchParams();
  if (q.resourceType !== undefined) p.set('resourceType', q.resourceType);
  if (q.action !== undefined) p.set('action', q.action);
  if (q.effect !== undefined) p.set('effect', q.effect);
  for (const t of q.tags ?? []) p.append('tag', t);
  if (q.minRisk !== undefined) p.set('minRisk', String(q.minRisk));
  if (q.maxRisk !== undefined) p.set('maxRisk', String(q.maxRisk));
  for (const s of q.status ?? []) p.append('status', s);
  if (q.text !== undefined) p.set('text', q.text);
  if (q.latestOnly !== undefined) p.set('latestOnly', String(q.latestOnly));
  p.set('limit', String(limit));
  p.set('offset', String(offset));
  return p;
}
