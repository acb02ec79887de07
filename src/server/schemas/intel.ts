/** Threat-feed snapshots (POST /v1/intel/{source}, GET /v1/intel); the import's body is the feed itself, not a schema of ours. */
import { Type } from 'typebox';
import { AnyJson, Nullable, Obj } from './common.js';

export const Source = Type.Union([Type.Literal('kev'), Type.Literal('epss'), Type.Literal('debian-tracker'), Type.Literal('osv')], { description: 'which feed' });
export const Snapshot = Obj({
  source: Source,
  hash: Type.String({ description: 'SHA-256 of the feed, hex: the snapshot\'s identity' }),
  importedAt: Type.String(),
  origin: Type.String(),
  version: Type.String({ description: 'the feed\'s own version (KEV catalogVersion, EPSS model and date; `-` for the tracker and OSV)' }),
  records: Type.Integer(),
  bytes: Type.Integer(),
  etag: Type.Optional(Type.String()),
  lastModified: Type.Optional(Type.String()),
});
export const ImportReply = Obj({ snapshot: Snapshot, changed: Type.Boolean({ description: 'false when the current snapshot has this content already' }), diagnostics: Type.Array(AnyJson, { description: 'warnings of the validation (a feed with errors is a 422)' }) });
export const ImportQuery = Obj({ origin: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'where the feed came from (a file name or URL), kept with the snapshot' })) });
export const FeedList = Obj({ feeds: Type.Array(Obj({ source: Source, current: Nullable(Snapshot), stored: Type.Integer({ description: 'snapshots kept of this feed' }) })) });
