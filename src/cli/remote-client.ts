/**
 * A small JSON client of a Tessera server's HTTP API for the `--server URL --token T` commands
 * that are not the fragment store (policies, audit). A problem reply (RFC 9457) becomes a
 * ServerProblemError (exit 1, the problem's title and detail, no stack), except for the statuses a
 * caller says it handles itself (e.g. 412, to explain a stale ETag in its own words).
 */
import { ServerProblemError, UsageError } from './errors.js';

export interface ServerReply<T = unknown> {
  status: number;
  etag: string | undefined;
  body: T;
}

export class ServerClient {
  readonly base: string;

  constructor(url: string, private readonly token: string, private readonly fetcher: typeof fetch = fetch) {
    this.base = url.replace(/\/+$/, '');
  }

  /** The client of `--server`/`--token`, or a usage error saying what is missing. */
  static of(target: { readonly server?: string; readonly token?: string }, what: string): ServerClient {
    if (target.server === undefined || target.server === '') {
      throw new UsageError(`${what} lives on a Tessera server: pass --server URL --token TOKEN (or set $TESSERA_SERVER and $TESSERA_TOKEN)`);
    }
    if (target.token === undefined || target.token === '') throw new UsageError('--server needs --token (or $TESSERA_TOKEN): an API token from `tessera serve` or POST /v1/tokens');
    if (!/^https?:\/\//.test(target.server)) throw new UsageError(`--server \`${target.server}\` is not an http(s) URL`);
    return new ServerClient(target.server, target.token);
  }

  get<T>(path: string, handled: readonly number[] = []): Promise<ServerReply<T>> {
    return this.call<T>('GET', path, undefined, {}, handled);
  }

  call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, handled: readonly number[] = []): Promise<ServerReply<T>> {
    return this.request<T>(method, path, body === undefined ? undefined : { text: JSON.stringify(body), contentType: 'application/json' }, headers, handled);
  }

  /** Sends `text` as it is (a feed file, not a JSON value of ours) with its media type. */
  upload<T>(path: string, text: string, contentType: string, handled: readonly number[] = []): Promise<ServerReply<T>> {
    return this.request<T>('POST', path, { text, contentType }, {}, handled);
  }

  private async request<T>(method: string, path: string, body: { text: string; contentType: string } | undefined, headers: Record<string, string>, handled: readonly number[]): Promise<ServerReply<T>> {
    const res = await this.send(method, path, {
      headers: { ...(body === undefined ? {} : { 'content-type': body.contentType }), ...headers },
      ...(body === undefined ? {} : { body: body.text }),
    });
    const text = await res.text();
    const parsed = jsonOrUndefined(text);
    const reply = { status: res.status, etag: res.headers.get('etag') ?? undefined, body: parsed as T };
    if (res.ok || handled.includes(res.status)) return reply;
    throw this.problem(res.status, parsed, res.statusText, text);
  }

  /** The fetch with the token; an unreachable server is a ServerProblemError. */
  private async send(method: string, path: string, init: { headers: Record<string, string>; body?: string }): Promise<Response> {
    try {
      return await this.fetcher(this.base + path, { method, headers: { authorization: `Bearer ${this.token}`, ...init.headers }, ...(init.body === undefined ? {} : { body: init.body }) });
    } catch (e) {
      throw new ServerProblemError(this.base, 0, 'unreachable', `cannot reach the server: ${(e as Error).message}`);
    }
  }

  /**
   * A call answered as JSON lines (`application/x-ndjson`): each line is handed to `onLine` as it
   * arrives. A server that answers one JSON document instead has it handed over as one line.
   */
  async stream(method: string, path: string, body: unknown, onLine: (value: unknown) => void): Promise<void> {
    const res = await this.send(method, path, { headers: { accept: 'application/x-ndjson, application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok || res.body === null || !(res.headers.get('content-type') ?? '').startsWith('application/x-ndjson')) {
      const text = await res.text();
      const parsed = jsonOrUndefined(text);
      if (!res.ok) throw this.problem(res.status, parsed, res.statusText, text);
      onLine(parsed);
      return;
    }
    const decoder = new TextDecoder();
    let pending = '';
    const take = (text: string) => {
      if (text.trim() === '') return;
      try {
        onLine(JSON.parse(text));
      } catch (e) {
        if (e instanceof SyntaxError) throw new ServerProblemError(this.base, res.status, 'malformed stream', `a line of the answer is not JSON: ${text.slice(0, 200)}`);
        throw e;
      }
    };
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        take(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    }
    take(pending + decoder.decode());
  }

  problem(status: number, parsed: unknown, statusText = '', text = ''): ServerProblemError {
    const p = (parsed ?? {}) as { title?: string; detail?: string; code?: string };
    return new ServerProblemError(this.base, status, p.title ?? statusText, p.detail ?? text.slice(0, 200), p.code);
  }
}

/** The JSON value of a reply's text; undefined for an empty or non-JSON text (a proxy's HTML page). */
function jsonOrUndefined(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
