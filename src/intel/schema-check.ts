/**
 * JSON Schema validation (Ajv, draft 2020-12 subset we use is also valid draft-07) turned into
 * diagnostics with JSON paths (`$.vulnerabilities[3].cveID`), so a bad feed or input file says
 * exactly where it is wrong. One Ajv instance per process: compiling a schema is the slow part.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { IntelDiagnostic } from './diagnostics.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  ajv ??= addFormats(new Ajv({ allErrors: true, strict: true }));
  let v = compiled.get(schema);
  if (v === undefined) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** `/vulnerabilities/3/cveID` → `$.vulnerabilities[3].cveID` (JSON Pointer escapes undone). */
export function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return '$' + pointer.split('/').slice(1).map((raw) => {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  }).join('');
}

function describe(e: ErrorObject): { path: string; message: string } {
  const path = jsonPath(e.instancePath);
  switch (e.keyword) {
    case 'required':
      return { path, message: `\`${String((e.params as { missingProperty: string }).missingProperty)}\` is required` };
    case 'additionalProperties':
      return { path: jsonPath(`${e.instancePath}/${String((e.params as { additionalProperty: string }).additionalProperty)}`), message: 'is not a known field' };
    case 'enum':
      return { path, message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path, message: e.message ?? `fails \`${e.keyword}\`` };
  }
}

/**
 * Checks `value` against `schema`; `code` names the diagnostics (`intel/kev-schema`). Unknown
 * fields are reported by the caller's schema as it chooses (`additionalProperties`), with
 * `unknownFieldSeverity` deciding whether they reject the input or only warn.
 */
export function checkSchema(value: unknown, schema: object, code: string, unknownFieldSeverity: 'error' | 'warning' = 'error', help = 'correct the field, or fetch the feed again if it was cut off'): IntelDiagnostic[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const { path, message } = describe(e);
    const severity = e.keyword === 'additionalProperties' ? unknownFieldSeverity : 'error';
    return { code, severity, path, message: `${path} ${message}`, help: severity === 'warning' ? 'remove the field, or check its spelling' : help };
  });
}
