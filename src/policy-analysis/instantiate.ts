/**
 * Counterexamples that only particular variable values produce. The symbolic search treats a
 * variable's value as text that matches nothing else in the policies; a value equal to some literal
 * text (a user named like a bucket) can open access the symbolic search cannot see. Here each
 * variable key is tried with values taken from the policies' own literal text: the policies are
 * rewritten with that value in place of the variable, analysed exactly, and any counterexample is
 * given the value and replayed against the original policies.
 */
import type { PolicyInput } from '../policy/index.js';

const VARIABLE = /\$\{\s*([A-Za-z0-9_.:/+=@-]+(?:[A-Za-z0-9_.:/+=@ -]*[A-Za-z0-9_.:/+=@-])?)\s*(?:,\s*'[^']*'\s*)?\}/g;

function toValue(input: PolicyInput): unknown {
  return typeof input === 'string' ? (JSON.parse(input) as unknown) : input;
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** The variable keys (as written, `aws:` style) the policies use. */
export function variablesOf(inputs: readonly PolicyInput[]): string[] {
  const keys = new Set<string>();
  for (const i of inputs) for (const s of strings(toValue(i))) for (const m of s.matchAll(VARIABLE)) if ((m[1] ?? '').includes(':')) keys.add(m[1] as string);
  return [...keys];
}

/** Literal fragments of the policies' text: whole values and their pieces between `/`, `:` and wildcards. */
export function literalCandidates(inputs: readonly PolicyInput[], limit = 24): string[] {
  const out = new Set<string>();
  for (const i of inputs) {
    for (const s of strings(toValue(i))) {
      const plain = s.replace(VARIABLE, '');
      for (const piece of plain.split(/[*?]/)) {
        for (const part of piece.split(/[/:]/)) if (part.length > 0 && part.length <= 64) out.add(part);
        if (piece.length > 0 && piece.length <= 64) out.add(piece);
      }
    }
  }
  return [...out].slice(0, limit);
}

/** The inputs with `${key}` (with or without a default) replaced by `value`. */
export function substituteVariable(inputs: readonly PolicyInput[], key: string, value: string): unknown[] {
  const replace = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(VARIABLE, (whole, k: string) => (k.toLowerCase() === key.toLowerCase() ? value.replace(/[$*?]/g, (c) => `\${${c}}`) : whole));
    if (Array.isArray(v)) return v.map(replace);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return inputs.map((i) => replace(toValue(i)));
}
