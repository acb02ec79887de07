/**
 * RFC 9457 problem details: the one shape every error response of the API takes. Handlers and the
 * access layer throw ProblemError; error-mapper.ts turns everything else (store errors, Fastify's
 * own validation and body errors) into one as well, so no other file picks an HTTP status.
 */

/** The body of an `application/problem+json` response. */
export interface Problem {
  /** A URI naming the kind of problem; ours are relative: `/problems/<code>`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path that failed. */
  instance: string;
  /** Stable, namespaced machine code (`server/forbidden`, `fragment-store/not-found`, ...). */
  code: string;
  /** Diagnostics or validation errors, when the input was at fault. */
  errors?: unknown[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** An error that already knows its HTTP problem; thrown by handlers, rendered by the error handler. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors?: unknown[],
    /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export function toProblem(e: ProblemError, instance: string): Problem {
  const p: Problem = { type: `/problems/${e.code}`, title: titleFor(e.status), status: e.status, detail: e.message, instance, code: e.code };
  if (e.errors !== undefined) p.errors = e.errors;
  return p;
}
