/** Small shape checks for configuration read from JSON: each failure becomes a diagnostic. */
import type { DiagnosticSink } from './diagnostics.js';

export function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** An optional object member: undefined when absent, reported when of the wrong type. */
export function optionalObject(v: unknown, path: string, sink: DiagnosticSink): Readonly<Record<string, unknown>> | undefined {
  if (v === undefined) return undefined;
  if (isRecord(v)) return v;
  sink.error('context/invalid-config', path, `\`${path}\` is ${typeName(v)}, not an object`, 'see the configuration description in src/context/config.ts');
  return undefined;
}

export function optionalArray(v: unknown, path: string, sink: DiagnosticSink): readonly unknown[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v;
  sink.error('context/invalid-config', path, `\`${path}\` is ${typeName(v)}, not a list`, 'see the configuration description in src/context/config.ts');
  return undefined;
}

/** A string that must not be empty; undefined (and reported) otherwise. */
export function requireString(v: unknown, path: string, sink: DiagnosticSink): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  sink.error('context/invalid-config', path, `\`${path}\` is ${typeof v === 'string' ? 'an empty string' : typeName(v)}, not a non-empty string`, 'write a non-empty string');
  return undefined;
}

/** Reports members an object does not define: a typo there would silently change nothing. */
export function checkMembers(obj: Readonly<Record<string, unknown>>, allowed: readonly string[], path: string, sink: DiagnosticSink): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const where = path === '' ? k : `${path}.${k}`;
      sink.error('context/invalid-config', where, `unknown member \`${k}\``, `allowed here: ${allowed.map((a) => `\`${a}\``).join(', ')}`);
    }
  }
}

export function member(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
