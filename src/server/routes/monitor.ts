/**
 * `POST /v1/monitor/evaluations`: run the adaptation loop's evaluation now (what `tessera monitor
 * run-once` does on the embedded store), on this server's store, data directory and catalog. A dry
 * run decides and reports only; a real one builds and records what it must. Concurrent with the
 * leader's own loop, a deployment another evaluation moved first comes back `stale`, as between
 * two nodes. A server started without the monitor's dependencies answers 409.
 *
 * Builds take seconds to minutes each, so a client that accepts `application/x-ndjson` gets the
 * answer as it happens: the headers at once, then one JSON line per event — `started` (how many
 * deployments), an `outcome` per deployment as soon as it is known, a `heartbeat` every 15 s while
 * a build runs (HTTP clients give up on a silent response: Node's fetch after 300 s), and `done`
 * with every outcome (or `error`). Otherwise the reply is one JSON document when all is done.
 */
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import { callerOf, type App, type ServerContext } from '../context.js';
import { ProblemError } from '../problem.js';
import { trn } from '../resources.js';
import { AnyJson, Obj } from '../schemas/common.js';

/** What the server runs an evaluation through (the CLI's adaptation-loop wiring, src/cli/commands/monitor.ts). */
export interface MonitorRunner {
  evaluate(options: {
    readonly ids?: readonly string[];
    readonly dryRun: boolean;
    /** Progress, for a streamed answer: how many deployments, then each outcome as it is known. */
    readonly onStart?: (deployments: number) => void;
    readonly onOutcome?: (outcome: unknown) => void;
  }): Promise<readonly unknown[]>;
}

const NDJSON = 'application/x-ndjson';
const HEARTBEAT_MS = 15_000;

const ACCESS = { action: 'tessera:RunMonitor', resource: trn.monitor } as const;

const EvaluationRequest = Obj({
  ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000, description: 'only these deployments (default: every registered one)' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'decide and report only: no build, no record, no event' })),
});
const EvaluationResult = Obj({ dryRun: Type.Boolean(), outcomes: Type.Array(AnyJson) });

export function monitorRoutes(app: App, ctx: ServerContext, runner: MonitorRunner | undefined, heartbeatMs = HEARTBEAT_MS): void {
  app.post('/v1/monitor/evaluations', {
    config: { access: () => [ACCESS] },
    schema: { summary: 'evaluate the registered deployments now (the adaptation loop\'s run-once)', 'x-tessera-action': ACCESS.action, body: EvaluationRequest, response: { 200: EvaluationResult } },
  }, async (req, reply) => {
    if (runner === undefined) throw new ProblemError(409, 'server/monitor-unavailable', 'this server does not run the adaptation loop: start it with `tessera serve` (the CLI wires the monitor), or run `tessera monitor run-once` on its store');
    const dryRun = req.body.dryRun === true;
    const ids = req.body.ids;
    const principal = callerOf(req).principal;
    const evaluate = async (progress: { onStart?: (n: number) => void; onOutcome?: (o: unknown) => void } = {}) => {
      const outcomes = await runner.evaluate({ ...(ids !== undefined ? { ids } : {}), dryRun, ...progress });
      if (!dryRun) await ctx.audit.record(principal, ACCESS.action, ACCESS.resource, 'allowed', { ids: ids ?? null, outcomes: outcomes.length });
      return { dryRun, outcomes: [...outcomes] };
    };
    if (!(req.headers.accept ?? '').includes(NDJSON)) return evaluate();

    const out = new PassThrough();
    const line = (value: Record<string, unknown>) => out.write(`${JSON.stringify(value)}\n`);
    const heartbeat = setInterval(() => line({ type: 'heartbeat', at: ctx.now().toISOString() }), heartbeatMs);
    void evaluate({ onStart: (deployments) => line({ type: 'started', deployments }), onOutcome: (outcome) => line({ type: 'outcome', outcome }) })
      .then((result) => line({ type: 'done', ...result }), (e: unknown) => line({ type: 'error', detail: (e as Error).message }))
      .finally(() => {
        clearInterval(heartbeat);
        out.end();
      });
    // A stream is sent as it is, past the 200 schema's serializer (which types the JSON answer).
    return reply.type(NDJSON).send(out as never);
  });
}
