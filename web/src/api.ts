/**
 * The one way the UI talks to the API: same origin, bearer token, JSON in and out. Every failure
 * becomes an ApiProblem carrying the server's RFC 9457 problem (title, detail, code, errors), so
 * screens show what the server said rather than a bare status.
 */
import type { Problem } from './types';

export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(readonly problem: Problem) {
    super(`${problem.title}: ${problem.detail}`);
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface ApiReply<T> {
  data: T;
  etag: string | null;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && typeof (v as Problem).title === 'string' && typeof (v as Problem).status === 'number';
}

export async function apiCall<T>(token: string, path: string, options: CallOptions = {}): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}`, ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), cache: 'no-store' });
  } catch (e) {
    throw new ApiProblem({ title: 'Network error', status: 0, detail: `the server did not answer: ${(e as Error).message}` });
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    throw new ApiProblem(isProblem(parsed) ? parsed : { title: res.statusText || 'Error', status: res.status, detail: text.slice(0, 500) || `HTTP ${res.status}` });
  }
  return { data: parsed as T, etag: res.headers.get('etag') };
}
