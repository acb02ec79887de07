/** Liveness (the process answers) and readiness (the store answers a query). */
import type { App, ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { Health } from '../schemas/admin.js';

export function healthRoutes(app: App, ctx: ServerContext): void {
  app.get('/healthz', { config: { public: true }, schema: { summary: 'the process is alive', response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { summary: 'the store answers queries', response: { 200: Health } } }, async (req) => {
    try {
      await ctx.store.audit.head();
    } catch (e) {
      req.log.warn({ err: e }, 'store not ready');
      throw new ProblemError(503, 'server/not-ready', 'the store does not answer');
    }
    return { status: 'ready' };
  });
}
