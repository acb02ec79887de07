/** Public surface of the CLI module. */
export { buildProgram, run, VERSION } from './main.js';
export { processIO, defaultDataDir, type CliIO } from './io.js';
