/**
 * `POST /v1/monitor/evaluations`: run the adaptation loop's evaluation now (what `tessera monitor
 * run-once` does on the embedded store), on this server's store, data directory and catalog. A dry
 * run decides and reports only; a real one builds and records what it must, and answers when
 * done (builds take a while: the response carries every deployment's outcome). Concurrent with the
 * leader's own loop, a deployment another evaluation moved first comes back `stale`, as between
 * two nodes. A server started without the monitor's dependencies answers 409.
 */
import { Type } from 'typebox';
import { callerOf, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn } from '../resources.js';
import { AnyJson, Obj } from '../schemas/common.js';

/** What the server runs an evaluation through (the CLI's adaptation-loop wiring, src/cli/commands/monitor.ts). */
export interface MonitorRunner {
  evaluate(options: { readonly ids?: readonly string[]; readonly dryRun: boolean }): Promise<readonly unknown[]>;
}

const ACCESS = { action: 'tessera:RunMonitor', resource: trn.monitor } as const;

const EvaluationRequest = Obj({
  ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000, description: 'only these deployments (default: every registered one)' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'decide and report only: no build, no record, no event' })),
});
const EvaluationResult = Obj({ dryRun: Type.Boolean(), outcomes: Type.Array(AnyJson) });

export function monitorRoutes(app: App, ctx: ServerContext, runner: MonitorRunner | undefined): void {
  app.post('/v1/monitor/evaluations', {
    config: { access: () => [ACCESS] },
    schema: { summary: 'evaluate the registered deployments now (the adaptation loop\'s run-once)', 'x-tessera-action': ACCESS.action, body: EvaluationRequest, response: { 200: EvaluationResult } },
  }, async (req) => {
    if (runner === undefined) throw new ProblemError(409, 'server/monitor-unavailable', 'this server does not run the adaptation loop: start it with `tessera serve` (the CLI wires the monitor), or run `tessera monitor run-once` on its store');
    const dryRun = req.body.dryRun === true;
    const outcomes = await runner.evaluate({ ...(req.body.ids !== undefined ? { ids: req.body.ids } : {}), dryRun });
    if (!dryRun) await ctx.audit.record(callerOf(req).principal, ACCESS.action, ACCESS.resource, 'allowed', { ids: req.body.ids ?? null, outcomes: outcomes.length });
    return { dryRun, outcomes: [...outcomes] };
  });
}
