/** Use cases that combine the engines with the store and the outside world. */
export { diffSnapshots, importFeed, loadIntel } from './intel.js';
export type { ImportResult } from './intel.js';
