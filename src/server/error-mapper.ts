/**
 * The one place where failures become HTTP statuses (design.md: status mapping lives only in
 * server/). Store errors are mapped by their stable `code`; Fastify's own errors (validation, body
 * limit, content type, JSON syntax) by theirs. Anything unknown is a 500 whose detail says nothing
 * about the internals: stack traces and driver messages stay in the server log.
 */
import { ProblemError } from './problem.js';

/** Store error codes (FragmentStoreError and the control-plane stores) → status. */
const STORE_CODES: Readonly<Record<string, number>> = {
  'fragment-store/not-found': 404,
  'fragment-store/exists': 409,
  'fragment-store/unchanged': 409,
  'fragment-store/invalid-transition': 409,
  'fragment-store/stale-status': 412,
  'fragment-store/invalid-query': 400,
  'fragment-store/closed': 503,
  'control-plane-store/token-exists': 409,
  'control-plane-store/deployment-not-found': 404,
  'control-plane-store/stale-image': 409,
  'control-plane-store/invalid-argument': 400,
  'control-plane-store/closed': 503,
  'control-plane-store/policy-not-found': 404,
  'control-plane-store/boundary-not-found': 404,
  'control-plane-store/policy-team-mismatch': 409,
  'control-plane-store/invalid-policy-transition': 409,
  'control-plane-store/stale-policy-status': 412,
  'control-plane-store/stale-revision': 412,
  'control-plane-store/plan-not-found': 404,
  'control-plane-store/risk-profile-not-found': 404,
  'control-plane-store/artifact-mismatch': 409,
};

/**
 * Control-plane stores are written beside this server; their codes follow the same
 * `<store>/<kind>` convention, so the kind decides when the exact code is not listed above.
 */
const STORE_KINDS: Readonly<Record<string, number>> = {
  'not-found': 404,
  exists: 409,
  stale: 412,
  'stale-image': 409,
  'invalid-query': 400,
  closed: 503,
};

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Ajv's message, naming the field where Ajv only says "additional properties". */
function describeAjv(v: AjvError): string {
  if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') return `unknown field \`${v.params.additionalProperty}\``;
  return v.message ?? 'is invalid';
}

interface CodedError {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  message?: unknown;
}

/** Maps any thrown value to a ProblemError; `internal` is true when it must be logged as a bug. */
export function mapError(e: unknown): { problem: ProblemError; internal: boolean } {
  if (e instanceof ProblemError) return { problem: e, internal: false };
  const err = (typeof e === 'object' && e !== null ? e : {}) as CodedError;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = typeof err.message === 'string' ? err.message : '';

  if (Array.isArray(err.validation)) {
    const where = typeof (err as { validationContext?: unknown }).validationContext === 'string' ? (err as { validationContext: string }).validationContext : 'request';
    const errors = (err.validation as AjvError[]).map((v) => ({ path: v.instancePath ?? '', message: describeAjv(v), keyword: v.keyword }));
    const first = errors[0];
    const detail = first === undefined ? `the ${where} does not match its schema` : `${where}${first.path === '' ? '' : ` \`${first.path}\``}: ${first.message}`;
    return { problem: new ProblemError(400, 'server/invalid-request', detail, errors), internal: false };
  }
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { problem: new ProblemError(413, 'server/body-too-large', 'the request body is larger than the server accepts'), internal: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { problem: new ProblemError(415, 'server/unsupported-media-type', 'this route does not take a body of that Content-Type: API bodies are `application/json`; `POST /v1/intel/epss` also takes the feed as `text/csv`'), internal: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { problem: new ProblemError(400, 'server/empty-body', 'the body is empty; send a JSON document'), internal: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { problem: new ProblemError(400, 'server/invalid-content-length', 'the Content-Length does not match the body'), internal: false };
  }
  if (code !== undefined && code.includes('/')) {
    const status = STORE_CODES[code] ?? STORE_KINDS[code.slice(code.indexOf('/') + 1)];
    // Store messages are written for people (`fragment \`x\` does not exist`) and hold no internals.
    if (status !== undefined) return { problem: new ProblemError(status, code, message), internal: false };
  }
  if (e instanceof SyntaxError || (code === 'FST_ERR_CTP_INVALID_JSON_BODY')) {
    return { problem: new ProblemError(400, 'server/malformed-json', `the body is not valid JSON: ${message}`), internal: false };
  }
  // Other Fastify client errors (a 4xx statusCode set by Fastify or a plugin) keep their status.
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500 && code?.startsWith('FST_')) {
    return { problem: new ProblemError(status, `server/${code.toLowerCase().replace(/^fst_err_/, '').replace(/_/g, '-')}`, message), internal: false };
  }
  return { problem: new ProblemError(500, 'server/internal', 'the server failed to handle the request; the failure is in its log'), internal: true };
}
