/** The unit-of-work contract on PostgreSQL: a schema of this file's, with a second store on it for concurrent writers. */
import { describe } from 'vitest';
import { pgTestUrl, withTestSchema } from '../../test/support/postgres.js';
import { openPostgresControlPlane } from './index.js';
import { describeUnitOfWorkContract } from './testing/unit-of-work-contract.test-support.js';

const url = pgTestUrl();

describe.skipIf(url === undefined)('PostgreSQL control plane', () => {
  const pg = withTestSchema(url ?? '', 'tessera_unit_of_work');
  describeUnitOfWorkContract('PostgreSQL control plane', {
    open: async (options) => {
      const store = await openPostgresControlPlane(pg.url, { schema: pg.schema }, options);
      await pg.reset();
      return store;
    },
    openTwin: (options) => openPostgresControlPlane(pg.url, { schema: pg.schema }, options),
  });
});
