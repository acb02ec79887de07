/**
 * Device posture keys: `tessera:DeviceManaged` (Bool), `tessera:DeviceType` (String) and
 * `tessera:DeviceCompliant` (Bool), from an MDM record for the calling device.
 *
 * The record is, in order: `inputs.device` (fetched by the caller for this request), the entry of
 * `devices.records` for `inputs.deviceId`, or the entry for the device id found in the context key
 * `devices.idKey` (e.g. a session tag `aws:PrincipalTag/DeviceId` set by the identity provider).
 * An unknown device derives nothing: "unknown" must not read as "unmanaged" or "managed".
 */
import type { DiagnosticReporter, DiagnosticSink } from './diagnostics.js';
import { checkMembers, isRecord, member, optionalObject, requireString, typeName } from './shape.js';
import type { ContextProvider, DeriveRequest, DeriveSink, DevicePosture } from './types.js';

export const DEVICE_MANAGED = 'tessera:DeviceManaged';
export const DEVICE_TYPE = 'tessera:DeviceType';
export const DEVICE_COMPLIANT = 'tessera:DeviceCompliant';

/** `devices` in the configuration. */
export interface DeviceConfig {
  /** MDM records by device id (ids compared exactly). */
  readonly records?: Readonly<Record<string, DevicePosture>>;
  /** A context key whose value is the calling device's id. */
  readonly idKey?: string;
}

/** The keys a posture record gives; a field it leaves out gives no key. */
export function deviceKeys(posture: DevicePosture): Record<string, string> {
  const out: Record<string, string> = {};
  if (posture.managed !== undefined) out[DEVICE_MANAGED] = String(posture.managed);
  if (posture.type !== undefined) out[DEVICE_TYPE] = posture.type;
  if (posture.compliant !== undefined) out[DEVICE_COMPLIANT] = String(posture.compliant);
  return out;
}

/**
 * Keeps the well-typed fields of a record read from JSON, reporting the others (JSON `"true"` is
 * not `true`: a Bool key must come from a boolean, not from text that merely looks like one).
 */
export function checkDevicePosture(v: unknown, path: string, report: (path: string, message: string, help: string) => void): DevicePosture | undefined {
  if (!isRecord(v)) {
    report(path, `a device record is ${typeName(v)}, not an object`, 'write `{ "managed": true, "type": "laptop", "compliant": true }`');
    return undefined;
  }
  const out: { managed?: boolean; type?: string; compliant?: boolean } = {};
  for (const [k, x] of Object.entries(v)) {
    const at = member(path, k);
    if ((k === 'managed' || k === 'compliant') && typeof x === 'boolean') out[k] = x;
    else if (k === 'type' && typeof x === 'string' && x !== '') out.type = x;
    else if (k === 'managed' || k === 'compliant' || k === 'type') report(at, `\`${k}\` is ${typeName(x)}`, k === 'type' ? 'write a non-empty string such as `laptop`' : 'write `true` or `false` (a JSON boolean)');
    else report(at, `unknown member \`${k}\``, 'a device record has `managed`, `type` and `compliant`');
  }
  return out;
}

export class DeviceProvider implements ContextProvider {
  constructor(private readonly records: ReadonlyMap<string, DevicePosture>, private readonly idKey: string | undefined) {}

  /** The posture for a device id, or undefined when the id is not in the records. */
  lookup(deviceId: string): DevicePosture | undefined {
    return this.records.get(deviceId);
  }

  derive(req: DeriveRequest, out: DeriveSink): void {
    const posture = this.postureFor(req, out);
    if (posture !== undefined) for (const [k, v] of Object.entries(deviceKeys(posture))) out.set(k, v);
  }

  private postureFor(req: DeriveRequest, out: DeriveSink): DevicePosture | undefined {
    const { inputs } = req;
    if (inputs.device !== undefined) return checkDevicePosture(inputs.device, 'inputs.device', infoReporter(out));
    let id = inputs.deviceId;
    let where = 'inputs.deviceId';
    if (id === undefined && this.idKey !== undefined) {
      id = req.context.single(this.idKey, out);
      where = `context.${this.idKey}`;
    }
    if (id === undefined) return undefined;
    const posture = this.records.get(id);
    if (posture === undefined) out.report('context/unknown-device', 'info', where, `no device record for \`${id}\``, 'the device keys are not derived for an unknown device; add its MDM record or pass `inputs.device`');
    return posture;
  }
}

function infoReporter(out: DiagnosticReporter): (path: string, message: string, help: string) => void {
  return (path, message, help) => out.report('context/invalid-device', 'info', path, message, help);
}

/** Compiles `devices`; malformed records are errors. */
export function compileDeviceProvider(value: unknown, path: string, sink: DiagnosticSink): DeviceProvider {
  const cfg = optionalObject(value, path, sink) ?? {};
  checkMembers(cfg, ['records', 'idKey'], path, sink);
  const records = new Map<string, DevicePosture>();
  const recordsPath = member(path, 'records');
  const raw = optionalObject(cfg['records'], recordsPath, sink) ?? {};
  for (const [id, v] of Object.entries(raw)) {
    const posture = checkDevicePosture(v, `${recordsPath}.${id}`, (at, message, help) => sink.error('context/invalid-device', at, message, help));
    if (posture !== undefined) records.set(id, posture);
  }
  const idKey = cfg['idKey'] === undefined ? undefined : requireString(cfg['idKey'], member(path, 'idKey'), sink);
  return new DeviceProvider(records, idKey);
}
