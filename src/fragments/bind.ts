/**
 * Binding: a fragment's `${slot}` parameters replaced by values, after checking each value against
 * its declared pattern or enumeration. Slots are bare identifiers; IAM's own variables
 * (`${aws:username}`) hold a colon and pass through untouched. A value may not smuggle in a
 * wildcard or a variable unless the parameter says wildcards are allowed: `bucket = "*"` must not
 * turn a one-bucket grant into an every-bucket one.
 */
import { fragmentDiagnostic, type FragmentDiagnostic } from './fragment-diagnostics.js';
import type { FragmentContent, ParameterSpec } from './model.js';

export const SLOT = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The slot names a value holds. */
export function slotsIn(text: string): string[] {
  return [...text.matchAll(SLOT)].map((m) => m[1] as string);
}

/** Every string in a JSON value (keys and values), for scanning. */
export function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

function substitute(value: unknown, params: Readonly<Record<string, string>>): unknown {
  const fill = (s: string) => s.replace(SLOT, (whole, name: string) => params[name] ?? whole);
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k), substitute(v, params)]));
  return value;
}

/** Why a value does not satisfy its parameter, or undefined. */
export function parameterProblem(name: string, spec: ParameterSpec, value: string): string | undefined {
  if (!spec.allowWildcards && /[*?]|\$\{/.test(value)) return `\`${value}\` holds a wildcard or a variable, which parameter \`${name}\` does not allow`;
  if (spec.enum !== undefined && !spec.enum.includes(value)) return `\`${value}\` is not one of ${spec.enum.map((e) => `\`${e}\``).join(', ')}`;
  if (spec.pattern !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${spec.pattern})$`, 'u');
    } catch {
      return `the pattern of \`${name}\` is not a valid regular expression`;
    }
    if (!re.test(value)) return `\`${value}\` does not match the pattern \`${spec.pattern}\``;
  }
  return undefined;
}

export interface Bound {
  readonly statements: readonly Readonly<Record<string, unknown>>[];
  /** The values used, defaults included. */
  readonly params: Readonly<Record<string, string>>;
}

export function bindFragment(content: FragmentContent, given: Readonly<Record<string, string>>, fragment: string): { bound?: Bound; diagnostics: FragmentDiagnostic[] } {
  const diagnostics: FragmentDiagnostic[] = [];
  const params: Record<string, string> = {};
  for (const name of Object.keys(given)) {
    if (!(name in content.parameters)) {
      diagnostics.push(fragmentDiagnostic('synthesis/unknown-parameter', `\`${fragment}\` has no parameter \`${name}\``, `its parameters: ${Object.keys(content.parameters).join(', ') || 'none'}`, { fragment, path: `params.${name}` }));
    }
  }
  for (const [name, spec] of Object.entries(content.parameters)) {
    const value = given[name] ?? spec.default;
    if (value === undefined) {
      diagnostics.push(fragmentDiagnostic('synthesis/missing-parameter', `\`${fragment}\` needs a value for \`${name}\``, `give it with \`--param ${fragment.split('@')[0]}.${name}=...\`${spec.description ? ` (${spec.description})` : ''}`, { fragment, path: `params.${name}` }));
      continue;
    }
    const problem = parameterProblem(name, spec, value);
    if (problem !== undefined) {
      const code = problem.includes('wildcard') ? 'synthesis/wildcard-parameter' : 'synthesis/invalid-parameter';
      diagnostics.push(fragmentDiagnostic(code, problem, spec.description ?? `choose another value for \`${name}\``, { fragment, path: `params.${name}` }));
      continue;
    }
    params[name] = value;
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const statements = content.statements.map((s) => substitute(s, params) as Record<string, unknown>);
  return { bound: { statements, params }, diagnostics };
}
