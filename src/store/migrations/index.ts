/**
 * Every migration, by name, in order. A static list rather than a folder scan, so the migrator runs
 * the same from src/ (tests) and dist/ (the built package). Append new migrations; never edit or
 * rename a released one.
 */
import type { Migration } from 'kysely';
import * as fragments001 from './001-fragments.js';
import * as controlPlane002 from './002-control-plane.js';
import * as searchIndexes003 from './003-search-indexes.js';
import * as policies004 from './004-policies.js';
import * as summaries005 from './005-deployment-summaries.js';
import * as artifacts006 from './006-artifacts.js';
import * as events007 from './007-events.js';
import * as feedSnapshots008 from './008-feed-snapshots.js';
import * as boundaryTeams009 from './009-boundary-teams.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-fragments': fragments001,
  '002-control-plane': controlPlane002,
  '003-search-indexes': searchIndexes003,
  '004-policies': policies004,
  '005-deployment-summaries': summaries005,
  '006-artifacts': artifacts006,
  '007-events': events007,
  '008-feed-snapshots': feedSnapshots008,
  '009-boundary-teams': boundaryTeams009,
};
