/**
 * Workload posture keys: `tessera:WorkloadRiskScore` (Numeric), `tessera:WorkloadRiskTier`
 * (`minimal`..`critical`) and `tessera:WorkloadKevExposed` (Bool): the calling workload's current
 * posture, which the risk engine computes and an adapter passes in.
 *
 * The record is, in order: `inputs.workload`; the entry of `workloads.records` for
 * `inputs.workloadId` or for the id in the context key `workloads.idKey`; else the entry for the
 * principal: its ARN as given, then `aws:PrincipalArn` from the context, then (for an assumed-role
 * session) the role's ARN, so that one record covers every session of a workload's role. A tier
 * is never computed from a score here: the thresholds belong to the risk engine.
 */
import type { DiagnosticSink } from './diagnostics.js';
import { checkMembers, isRecord, member, optionalObject, requireString, typeName } from './shape.js';
import { RISK_TIERS, type ContextProvider, type DeriveRequest, type DeriveSink, type RiskTier, type WorkloadPosture } from './types.js';

export const WORKLOAD_RISK_SCORE = 'tessera:WorkloadRiskScore';
export const WORKLOAD_RISK_TIER = 'tessera:WorkloadRiskTier';
export const WORKLOAD_KEV_EXPOSED = 'tessera:WorkloadKevExposed';

/** `workloads` in the configuration. */
export interface WorkloadConfig {
  /** Posture records by workload id or principal ARN (compared exactly). */
  readonly records?: Readonly<Record<string, WorkloadPosture>>;
  /** A context key whose value is the calling workload's id (e.g. `aws:PrincipalTag/workload`). */
  readonly idKey?: string;
}

export function workloadKeys(posture: WorkloadPosture): Record<string, string> {
  const out: Record<string, string> = {};
  if (posture.riskScore !== undefined) out[WORKLOAD_RISK_SCORE] = String(posture.riskScore);
  if (posture.riskTier !== undefined) out[WORKLOAD_RISK_TIER] = posture.riskTier;
  if (posture.kevExposed !== undefined) out[WORKLOAD_KEV_EXPOSED] = String(posture.kevExposed);
  return out;
}

/** Keeps the well-typed fields of a record read from JSON, reporting the others. */
export function checkWorkloadPosture(v: unknown, path: string, report: (path: string, message: string, help: string) => void): WorkloadPosture | undefined {
  if (!isRecord(v)) {
    report(path, `a workload record is ${typeName(v)}, not an object`, 'write `{ "riskScore": 42, "riskTier": "moderate", "kevExposed": false }`');
    return undefined;
  }
  const out: { riskScore?: number; riskTier?: RiskTier; kevExposed?: boolean } = {};
  for (const [k, x] of Object.entries(v)) {
    const at = member(path, k);
    if (k === 'riskScore') {
      // Non-negative and finite, so that the text form is a number the Numeric operators read.
      if (typeof x === 'number' && Number.isFinite(x) && x >= 0) out.riskScore = x;
      else report(at, `\`riskScore\` is ${typeof x === 'number' ? String(x) : typeName(x)}`, 'write a finite number ≥ 0');
    } else if (k === 'riskTier') {
      if (typeof x === 'string' && (RISK_TIERS as readonly string[]).includes(x)) out.riskTier = x as RiskTier;
      else report(at, `\`riskTier\` is ${typeof x === 'string' ? `\`${x}\`` : typeName(x)}`, `write one of ${RISK_TIERS.map((t) => `\`${t}\``).join(', ')}`);
    } else if (k === 'kevExposed') {
      if (typeof x === 'boolean') out.kevExposed = x;
      else report(at, `\`kevExposed\` is ${typeName(x)}`, 'write `true` or `false` (a JSON boolean)');
    } else report(at, `unknown member \`${k}\``, 'a workload record has `riskScore`, `riskTier` and `kevExposed`');
  }
  return out;
}

/** `arn:aws:sts::A:assumed-role/Name/Session` → `arn:aws:iam::A:role/Name`; undefined for other principals. */
export function roleArnOfSession(principal: string): string | undefined {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  return m === null ? undefined : `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
}

export class WorkloadProvider implements ContextProvider {
  constructor(private readonly records: ReadonlyMap<string, WorkloadPosture>, private readonly idKey: string | undefined) {}

  derive(req: DeriveRequest, out: DeriveSink): void {
    const posture = this.postureFor(req, out);
    if (posture !== undefined) for (const [k, v] of Object.entries(workloadKeys(posture))) out.set(k, v);
  }

  private postureFor(req: DeriveRequest, out: DeriveSink): WorkloadPosture | undefined {
    const { inputs } = req;
    if (inputs.workload !== undefined) {
      return checkWorkloadPosture(inputs.workload, 'inputs.workload', (path, message, help) => out.report('context/invalid-workload', 'info', path, message, help));
    }
    let id = inputs.workloadId;
    let where = 'inputs.workloadId';
    if (id === undefined && this.idKey !== undefined) {
      id = req.context.single(this.idKey, out);
      where = `context.${this.idKey}`;
    }
    if (id !== undefined) {
      const posture = this.records.get(id);
      if (posture === undefined) out.report('context/unknown-workload', 'info', where, `no workload record for \`${id}\``, 'the workload keys are not derived for an unknown workload');
      return posture;
    }
    // By principal: most principals are people, not workloads, so a miss here is not reported.
    const { principal } = req.request;
    const principalArn = req.context.get('aws:PrincipalArn');
    for (const key of [principal, typeof principalArn === 'string' ? principalArn : undefined, roleArnOfSession(principal)]) {
      const posture = key === undefined ? undefined : this.records.get(key);
      if (posture !== undefined) return posture;
    }
    return undefined;
  }
}

/** Compiles `workloads`; malformed records are errors. */
export function compileWorkloadProvider(value: unknown, path: string, sink: DiagnosticSink): WorkloadProvider {
  const cfg = optionalObject(value, path, sink) ?? {};
  checkMembers(cfg, ['records', 'idKey'], path, sink);
  const records = new Map<string, WorkloadPosture>();
  const recordsPath = member(path, 'records');
  for (const [id, v] of Object.entries(optionalObject(cfg['records'], recordsPath, sink) ?? {})) {
    const posture = checkWorkloadPosture(v, `${recordsPath}.${id}`, (at, message, help) => sink.error('context/invalid-workload', at, message, help));
    if (posture !== undefined) records.set(id, posture);
  }
  const idKey = cfg['idKey'] === undefined ? undefined : requireString(cfg['idKey'], member(path, 'idKey'), sink);
  return new WorkloadProvider(records, idKey);
}
