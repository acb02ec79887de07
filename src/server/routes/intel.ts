/**
 * Threat intel over HTTP: `POST /v1/intel/{source}` imports a feed into the store every node
 * reads (central admin only), `GET /v1/intel` lists the current snapshots (central admin and
 * auditor). The body is the feed itself, byte for byte (KEV, the tracker and OSV as
 * application/json, EPSS as text/csv): its SHA-256 is the snapshot's identity, so it is read as
 * text in a scope of its own, with a limit fitting real feeds (tens of MB) instead of the API's
 * 1 MiB. It is validated exactly as `tessera intel import` validates it (app/intel.ts); a feed with
 * errors is a 422 with the diagnostics and changes nothing. The import and its audit record commit
 * together, then the adaptation loop is told.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { importFeed } from '../../app/index.js';
import { FEED_SOURCES, type FeedSnapshot, type FeedSource } from '../../store/index.js';
import { callerOf, wire, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn } from '../resources.js';
import { FeedList, ImportQuery, ImportReply, Source } from '../schemas/intel.js';
import { Obj } from '../schemas/common.js';

/** Generous for real feeds: EPSS is ~10 MB of CSV today, the tracker's JSON export ~60 MB uncompressed. */
export const DEFAULT_INTEL_BODY_LIMIT = 64 * 1024 * 1024;

/** The media types a feed may be sent as; anything else is a 415. */
const FEED_MEDIA_TYPES = ['application/json', 'text/csv', 'text/plain', 'application/octet-stream'];

export interface IntelRouteOptions {
  readonly bodyLimit: number;
  /** Called after an import that changed a current snapshot (the server's loop looks at once). */
  readonly onImported?: (snapshot: FeedSnapshot) => void;
}

export function intelRoutes(app: App, ctx: ServerContext, options: IntelRouteOptions): void {
  app.get('/v1/intel', {
    config: { access: () => [{ action: 'tessera:ListIntel', resource: trn.intels }] },
    schema: { summary: 'the current snapshot of each threat feed', 'x-tessera-action': 'tessera:ListIntel', response: { 200: FeedList } },
  }, async () => {
    const feeds = await Promise.all(FEED_SOURCES.map(async (source) => ({ source, current: (await ctx.store.feeds.current(source)) ?? null, stored: (await ctx.store.feeds.list(source)).length })));
    return wire({ feeds });
  });

  // Its own scope: the body is the feed's text as sent (no JSON parsing), with its own limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(FEED_MEDIA_TYPES, { parseAs: 'string', bodyLimit: options.bodyLimit }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/v1/intel/:source', {
      bodyLimit: options.bodyLimit,
      config: { access: (req) => [{ action: 'tessera:ImportIntel', resource: trn.intel((req.params as { source: string }).source) }] },
      schema: {
        summary: 'import a threat feed (validated whole; the current snapshot changes only for a feed without errors)',
        'x-tessera-action': 'tessera:ImportIntel',
        'x-tessera-request-body': Object.fromEntries(FEED_MEDIA_TYPES.slice(0, 2).map((t) => [t, { schema: { type: 'string', description: 'the feed file as published: CISA KEV, the Debian tracker and OSV as JSON, FIRST EPSS as CSV' } }])),
        params: Obj({ source: Source }),
        querystring: ImportQuery,
        response: { 200: ImportReply },
      },
    }, async (req) => {
      const source: FeedSource = req.params.source;
      const text = typeof req.body === 'string' ? req.body : '';
      if (text === '') throw new ProblemError(400, 'intel/empty-feed', 'the body is empty: send the feed file (Content-Type application/json, or text/csv for EPSS)');
      const caller = callerOf(req);
      const origin = req.query.origin ?? `http upload by ${caller.principal}`;
      const r = await ctx.audit.change(async (tx, note) => {
        const imported = await importFeed(tx.feeds, source, text, origin, ctx.now());
        if (imported.ok && imported.changed) note(caller.principal, 'tessera:ImportIntel', trn.intel(source), { op: 'import', hash: imported.snapshot.hash, version: imported.snapshot.version, records: imported.snapshot.records, bytes: imported.snapshot.bytes, origin });
        return imported;
      });
      if (!r.ok) throw new ProblemError(422, 'intel/invalid-feed', `the ${source} feed has errors: nothing imported, the current snapshot stays`, [...r.diagnostics]);
      if (r.changed) options.onImported?.(r.snapshot);
      return wire({ snapshot: r.snapshot, changed: r.changed, diagnostics: [...r.diagnostics] });
    });
  });
}
