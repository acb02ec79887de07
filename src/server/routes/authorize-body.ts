/**
 * The JSON body parser of `/v1/authorize` and `/v1/authorize/batch`. Services send the same policy
 * set with every request, and parsing that set, then serializing it to find its compiled form,
 * cost more server time than the decision itself. So the parser first finds the set's text in the
 * body (json-member.ts) and looks it up as it is: when that exact text was compiled before, the
 * rest of the body is parsed with an empty set in its place and the request carries the compiled
 * set; otherwise the whole body is parsed as usual and the set is later cached under its text.
 *
 * Parsing goes through Fastify's own JSON parser either way (prototype-poisoning checks included;
 * a cached set passed them when it was first parsed). An empty object validates as a policy set,
 * so the schema still checks everything else the client sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Compiled, PolicyCache } from '../policy-cache.js';
import { topLevelMemberSpan } from '../json-member.js';

export interface AuthorizeBodies {
  /** The compiled set the parser found for this request, if it found one. */
  compiledFor(req: FastifyRequest): Compiled | undefined;
  /** The text of the request's policy set as sent, when the parser found it (a cache key). */
  policiesTextOf(req: FastifyRequest): string | undefined;
}

/** Installs the parser in `scope` (the authorize routes' own), for `application/json` bodies. */
export function parseAuthorizeBodies(scope: FastifyInstance, cache: PolicyCache): AuthorizeBodies {
  const compiled = new WeakMap<FastifyRequest, Compiled>();
  const texts = new WeakMap<FastifyRequest, string>();
  const parse = scope.getDefaultJsonParser(scope.initialConfig.onProtoPoisoning ?? 'error', scope.initialConfig.onConstructorPoisoning ?? 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    const span = topLevelMemberSpan(text, 'policies');
    if (span === undefined) return parse(req, text, done);
    const policiesText = text.slice(span.start, span.end);
    const known = cache.cachedText(policiesText);
    if (known === undefined) {
      texts.set(req, policiesText);
      return parse(req, text, done);
    }
    compiled.set(req, known);
    return parse(req, `${text.slice(0, span.start)}{}${text.slice(span.end)}`, done);
  });
  return { compiledFor: (req) => compiled.get(req), policiesTextOf: (req) => texts.get(req) };
}
