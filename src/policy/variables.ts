/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`, `${?}`, `${$}`)
 * in Resource/NotResource patterns and condition values, substituted only under Version 2012-10-17.
 *
 * A value becomes a template: literal text, wildcards and variables. Resolving a template against
 * a request yields glob tokens in which substituted text is always literal.
 */
import { ONE, STAR, type GlobToken } from './glob.js';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'wildcard'; readonly token: typeof STAR | typeof ONE }
  | { readonly kind: 'variable'; readonly key: string; readonly fallback?: string };

export interface Template {
  readonly raw: string;
  readonly parts: readonly TemplatePart[];
  readonly hasVariables: boolean;
}

export interface TemplateProblem {
  readonly message: string;
  /** Offset of the problem within the raw value. */
  readonly at: number;
}

const VARIABLE_BODY = /^\s*([A-Za-z0-9_.:/+=@-][A-Za-z0-9_.:/+=@ -]*?)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Parses a value; with `variables` false (old Version), `${...}` is ordinary text. */
export function parseTemplate(raw: string, variables: boolean): { template: Template; problems: TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? '';
    if (ch === '*' || ch === '?') {
      flush();
      parts.push({ kind: 'wildcard', token: ch === '*' ? STAR : ONE });
      continue;
    }
    if (variables && ch === '$' && raw[i + 1] === '{') {
      const close = raw.indexOf('}', i + 2);
      if (close < 0) {
        problems.push({ message: 'unterminated policy variable: `${` without `}`', at: i });
        text += ch;
        continue;
      }
      const body = raw.slice(i + 2, close);
      if (body === '*' || body === '?' || body === '$') {
        text += body;
      } else {
        const m = VARIABLE_BODY.exec(body);
        if (m === null || m[1] === undefined) {
          problems.push({ message: `\`\${${body}}\` is not a policy variable`, at: i });
          text += raw.slice(i, close + 1);
        } else {
          flush();
          const key = m[1];
          parts.push(m[2] === undefined ? { kind: 'variable', key } : { kind: 'variable', key, fallback: m[2] });
        }
      }
      i = close;
      continue;
    }
    text += ch;
  }
  flush();
  return { template: { raw, parts, hasVariables: parts.some((p) => p.kind === 'variable') }, problems };
}

/** The variables a template refers to. */
export function templateVariables(t: Template): string[] {
  return t.parts.flatMap((p) => (p.kind === 'variable' ? [p.key] : []));
}

/**
 * Looks up a variable's value: the string, undefined when the key is missing (a default may
 * apply), or null when it is multi-valued (never substituted, default or not).
 */
export type VariableLookup = (key: string) => string | null | undefined;

/**
 * Resolves a template into glob tokens (substituted text literal), or undefined when a variable
 * cannot be resolved; `onMissing` hears about each such key.
 */
export function resolveTemplate(t: Template, lookup: VariableLookup, onMissing?: (key: string) => void): GlobToken[] | undefined {
  const out: GlobToken[] = [];
  let ok = true;
  for (const p of t.parts) {
    if (p.kind === 'text') out.push(p.text);
    else if (p.kind === 'wildcard') out.push(p.token);
    else {
      const found = lookup(p.key);
      const v = found === null ? undefined : (found ?? p.fallback);
      if (v === undefined) {
        onMissing?.(p.key);
        ok = false;
      } else out.push(v);
    }
  }
  return ok ? out : undefined;
}

/** Tokens of a template without variables. */
export function staticTokens(t: Template): GlobToken[] {
  return t.parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'wildcard' ? p.token : ''));
}
