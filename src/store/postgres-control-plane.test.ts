/** The control-plane contract on PostgreSQL, in a schema of this file's, with a second store on the same schema for concurrent appends. */
import { describe, expect, it } from 'vitest';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { ControlPlaneStoreFailureError, openPostgresControlPlane } from './index.js';
import { describeArtifactContract } from './testing/artifact-contract.test-support.js';
import { describeControlPlaneContract } from './testing/control-plane-contract.test-support.js';
import { describeEventStoreContract } from './testing/event-contract.test-support.js';
import { describeFeedStoreContract } from './testing/feed-contract.test-support.js';
import { describePolicyContract } from './testing/policy-contract.test-support.js';

const url = pgTestUrl();

describe.skipIf(url === undefined)('PostgreSQL control plane', () => {
  const pg = withTestSchema(url ?? '', 'tessera_control_plane');
  describeControlPlaneContract('PostgreSQL control plane', {
    open: async () => {
      const store = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      await pg.reset();
      return store;
    },
    openTwin: () => openPostgresControlPlane(pg.url, { schema: pg.schema }),
    execute: async (statement) => {
      await pg.query(statement);
    },
  });

  describePolicyContract('PostgreSQL control plane', {
    open: async () => {
      const store = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      await pg.reset();
      return store;
    },
    openTwin: () => openPostgresControlPlane(pg.url, { schema: pg.schema }),
  });

  describeArtifactContract('PostgreSQL control plane', {
    open: async () => {
      const store = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      await pg.reset();
      return store;
    },
    openTwin: () => openPostgresControlPlane(pg.url, { schema: pg.schema }),
  });

  describeEventStoreContract('PostgreSQL control plane', {
    open: async () => {
      const store = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      await pg.reset();
      return store;
    },
    openTwin: () => openPostgresControlPlane(pg.url, { schema: pg.schema }),
  });

  describeFeedStoreContract('PostgreSQL control plane', {
    open: async () => {
      const store = await openPostgresControlPlane(pg.url, { schema: pg.schema });
      await pg.reset();
      return store;
    },
    openTwin: () => openPostgresControlPlane(pg.url, { schema: pg.schema }),
  });

  it('reports an unreachable server as ControlPlaneStoreFailureError', async () => {
    const e = await openPostgresControlPlane('postgres://nobody@127.0.0.1:1/none', { schema: 'x' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ControlPlaneStoreFailureError);
  });
});
