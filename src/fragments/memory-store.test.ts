import { describeFragmentStoreContract } from './testing/store-contract.test-support.js';
import { createMemoryFragmentStore } from './memory-store.js';

describeFragmentStoreContract('memory store', async () => createMemoryFragmentStore());
