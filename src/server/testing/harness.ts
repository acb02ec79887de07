/**
 * The end-to-end harness: a real server on a free loopback port over a real control-plane store
 * (SQLite or PostgreSQL), one token per role, and a small fetch client. The suites beside it run
 * unchanged on either store.
 */
import type { ControlPlaneStore, Role } from '../../store/index.js';
import { createToken } from '../bootstrap.js';
import { startServer, type ServerDeps, type StartedServer } from '../server.js';

/** The callers the suites use: one per role, plus a second delegated admin of another team. */
export type Who = 'admin' | 'alice' | 'olga' | 'carol' | 'dave' | 'svc';

export const CALLERS: Readonly<Record<Who, { principal: string; role: Role; team?: string }>> = {
  admin: { principal: 'user/admin', role: 'central-admin' },
  alice: { principal: 'user/alice', role: 'delegated-admin', team: 'payments' },
  olga: { principal: 'user/olga', role: 'delegated-admin', team: 'ops' },
  carol: { principal: 'user/carol', role: 'approver' },
  dave: { principal: 'user/dave', role: 'auditor' },
  svc: { principal: 'service/checkout', role: 'service' },
};

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON (or undefined when empty). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary fields
}

export interface CallOptions {
  as?: Who | null;
  /** A raw Authorization header value (overrides `as`). */
  authorization?: string;
  body?: unknown;
  /** Sent as is (malformed JSON, oversized bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  url: string;
  store: ControlPlaneStore;
  server: StartedServer;
  tokens: Record<Who, string>;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startHarness(open: () => Promise<ControlPlaneStore>, deps: Partial<ServerDeps> = {}): Promise<Harness> {
  const store = await open();
  const tokens = {} as Record<Who, string>;
  for (const [who, c] of Object.entries(CALLERS) as [Who, (typeof CALLERS)[Who]][]) {
    tokens[who] = (await createToken(store, { principal: c.principal, role: c.role, team: c.team ?? null, at: new Date() })).token;
  }
  const server = await startServer({ store, port: 0, ...deps });
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    const who = o.as === undefined ? 'admin' : o.as;
    if (o.authorization !== undefined) headers.authorization = o.authorization;
    else if (who !== null) headers.authorization = `Bearer ${tokens[who]}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text === '' ? undefined : text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return { url: server.url, store, server, tokens, call, close: () => server.close() };
}

/** A small valid fragment definition owned by `owner`. */
export function fragmentBody(id: string, owner: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Read objects of one bucket (${id})`,
    description: 'read-only access to the objects of one bucket',
    resourceType: 's3:object',
    owner,
    tags: ['s3', 'read'],
    risk: 10,
    parameters: { bucket: { pattern: '[a-z0-9.-]{3,63}' } },
    requiredConditions: [],
    statements: [{ Sid: 'ReadObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::${bucket}/*' }],
    signature: { provides: ['s3:read'], requires: [], conflictsWith: [], riskBudget: 10 },
    ...overrides,
  };
}

/** The fields of an RFC 9457 problem as this API writes them: a 403 must carry nothing else. */
export const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'instance', 'code', 'errors'];
