/**
 * Policy variables (semantics.md, "Policy variables"): `${key}` and `${key, 'default'}` are replaced
 * by the request's value, `${*}`, `${?}` and `${$}` by a literal `*`, `?` and `$`, only under
 * `Version: "2012-10-17"`. Substituted text is literal. A variable whose key is missing (no
 * default) or multi-valued cannot be resolved: the whole text matches nothing and the key is
 * reported as missing. A missing key with a default is not reported (the default settles it and
 * semantics.md reports only unresolvable variables).
 */
import type { Token } from './reference-glob.js';
import { literalTokens, wildcardTokens } from './reference-glob.js';
import type { ContextLookup } from './reference-request.js';

export interface Resolved {
  /** The pattern as tokens; undefined when some variable could not be resolved. */
  readonly tokens: Token[] | undefined;
  /** Keys (as spelled in the policy) of the variables that could not be resolved. */
  readonly missing: string[];
}

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

/** `key, 'default'` → key and default; otherwise the whole (trimmed) text is the key. */
function parseVariable(inner: string): { key: string; fallback?: string } {
  const withDefault = /^\s*([^,]*?)\s*,\s*'([\s\S]*)'\s*$/.exec(inner);
  if (withDefault !== null) return { key: withDefault[1] ?? '', fallback: withDefault[2] ?? '' };
  return { key: inner.trim() };
}

/**
 * Resolves every variable of `text` (all of them, so that each unresolvable key is reported, not
 * just the first). Outside variables, `*` and `?` are wildcard tokens; an unclosed `${` is text.
 */
export function resolveText(text: string, variablesEnabled: boolean, lookup: ContextLookup): Resolved {
  if (!variablesEnabled) return { tokens: wildcardTokens(text), missing: [] };
  const tokens: Token[] = [];
  const missing: string[] = [];
  let unresolved = false;
  let i = 0;
  while (i < text.length) {
    const close = text.startsWith('${', i) ? text.indexOf('}', i + 2) : -1;
    if (close < 0) {
      tokens.push(...wildcardTokens(text[i]!));
      i += 1;
      continue;
    }
    const inner = text.slice(i + 2, close);
    i = close + 1;
    const escaped = ESCAPES[inner];
    if (escaped !== undefined) {
      tokens.push(...literalTokens(escaped));
      continue;
    }
    const { key, fallback } = parseVariable(inner);
    const present = key === '' ? undefined : lookup(key);
    if (present !== undefined && !present.multi) tokens.push(...literalTokens(present.values[0] ?? ''));
    else if (present === undefined && fallback !== undefined) tokens.push(...literalTokens(fallback));
    else {
      unresolved = true;
      if (key !== '') missing.push(key);
    }
  }
  return { tokens: unresolved ? undefined : tokens, missing };
}
