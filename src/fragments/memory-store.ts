/**
 * The in-memory fragment store: the reference adapter of the store contract, for tests and
 * embedding. Pure (no I/O). Content is copied in (through its canonical JSON) and every returned
 * version is a fresh deep copy, so callers cannot reach stored state. Each method runs to completion
 * without awaiting, so every call is atomic.
 */
import { contentHash } from './canonical.js';
import type { LifecycleAction } from './lifecycle.js';
import type { FragmentContent, FragmentRef, FragmentStatus, FragmentVersion, StatusChange } from './model.js';
import { FragmentExistsError, FragmentNotFoundError, FragmentUnchangedError, StoreClosedError } from './store-errors.js';
import type { Actor, FragmentQuery, FragmentSearchResult, FragmentStore } from './store-port.js';
import { matchesQuery, normalizeQuery, page, planTransition } from './store-rules.js';
import { actionIndexEntries, deriveActions, normalizeContent, searchText } from './version-index.js';
import type { ActionIndexEntry } from './version-index.js';

interface StoredVersion {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
  status: FragmentStatus;
  readonly content: FragmentContent;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly history: StatusChange[];
  readonly actions: readonly string[];
  readonly actionEntries: readonly ActionIndexEntry[];
  readonly searchText: string;
}

export class MemoryFragmentStore implements FragmentStore {
  /** Versions per id, oldest first. */
  readonly #fragments = new Map<string, StoredVersion[]>();
  #closed = false;

  async create(content: FragmentContent, actor: Actor): Promise<FragmentVersion> {
    this.#open();
    if (this.#fragments.has(content.id)) throw new FragmentExistsError(content.id);
    const stored = storedVersion(content, 1, actor);
    this.#fragments.set(stored.id, [stored]);
    return toVersion(stored);
  }

  async addVersion(content: FragmentContent, actor: Actor): Promise<FragmentVersion> {
    this.#open();
    const versions = this.#fragments.get(content.id);
    const latest = versions?.at(-1);
    if (versions === undefined || latest === undefined) throw new FragmentNotFoundError(content.id);
    const stored = storedVersion(content, latest.version + 1, actor);
    if (stored.hash === latest.hash) throw new FragmentUnchangedError({ id: latest.id, version: latest.version }, latest.hash);
    versions.push(stored);
    return toVersion(stored);
  }

  async get(ref: FragmentRef): Promise<FragmentVersion | undefined> {
    this.#open();
    const stored = this.#find(ref);
    return stored === undefined ? undefined : toVersion(stored);
  }

  async versions(id: string): Promise<FragmentVersion[]> {
    this.#open();
    return (this.#fragments.get(id) ?? []).map(toVersion);
  }

  async transition(ref: FragmentRef, action: LifecycleAction, actor: Actor & { comment?: string }, expected?: FragmentStatus): Promise<FragmentVersion> {
    this.#open();
    const stored = this.#find(ref);
    if (stored === undefined) throw new FragmentNotFoundError(ref.id, ref.version);
    const to = planTransition(ref, stored.status, action, expected);
    stored.history.push({ from: stored.status, to, at: actor.at, by: actor.by, ...(actor.comment !== undefined && { comment: actor.comment }) });
    stored.status = to;
    return toVersion(stored);
  }

  async search(query: FragmentQuery): Promise<FragmentSearchResult> {
    this.#open();
    const q = normalizeQuery(query);
    const matches: StoredVersion[] = [];
    for (const id of [...this.#fragments.keys()].sort()) {
      const hits = (this.#fragments.get(id) ?? []).filter((v) => matchesQuery(v, q));
      const newest = hits.at(-1);
      if (q.latestOnly) {
        if (newest !== undefined) matches.push(newest);
      } else matches.push(...hits);
    }
    return { items: page(matches, q).map(toVersion), total: matches.length };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #find(ref: FragmentRef): StoredVersion | undefined {
    return this.#fragments.get(ref.id)?.find((v) => v.version === ref.version);
  }
}

export function createMemoryFragmentStore(): FragmentStore {
  return new MemoryFragmentStore();
}

function storedVersion(input: FragmentContent, version: number, actor: Actor): StoredVersion {
  const content = normalizeContent(input);
  return {
    id: content.id,
    version,
    hash: contentHash(content),
    status: 'draft',
    content,
    createdAt: actor.at,
    createdBy: actor.by,
    history: [],
    actions: deriveActions(content),
    actionEntries: actionIndexEntries(content),
    searchText: searchText(content),
  };
}

function toVersion(s: StoredVersion): FragmentVersion {
  return {
    id: s.id,
    version: s.version,
    hash: s.hash,
    status: s.status,
    content: structuredClone(s.content),
    createdAt: s.createdAt,
    createdBy: s.createdBy,
    history: s.history.map((h) => ({ ...h })),
    actions: [...s.actions],
  };
}
