/** Process entry point for `bin/tessera`. */
import { processIO } from './io.js';
import { run } from './main.js';

// `tessera ... | head` closes the pipe early: stop quietly, as Unix tools do, instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await run(process.argv.slice(2), processIO());
