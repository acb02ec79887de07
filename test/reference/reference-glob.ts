/**
 * Wildcard patterns for the reference interpreter, kept as a list of one-character tokens so that
 * text substituted from a policy variable (or written as `${*}`) stays literal: only `star` and
 * `qmark` tokens act as wildcards. Matching builds a regular expression on the fly, every time.
 */

export type Token =
  | { readonly kind: 'char'; readonly ch: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'qmark' };

/** Policy text where `*` and `?` are wildcards. */
export function wildcardTokens(text: string): Token[] {
  return [...text].map((ch): Token => (ch === '*' ? { kind: 'star' } : ch === '?' ? { kind: 'qmark' } : { kind: 'char', ch }));
}

/** Substituted text: every character literal. */
export function literalTokens(text: string): Token[] {
  return [...text].map((ch): Token => ({ kind: 'char', ch }));
}

/** The text as written, for operators where `*` and `?` are ordinary characters. */
export function tokensToText(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.kind === 'char' ? t.ch : t.kind === 'star' ? '*' : '?')).join('');
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Whole-string glob: `*` any run of characters (colons and newlines included), `?` one character. */
export function globMatches(tokens: readonly Token[], value: string): boolean {
  const source = tokens.map((t) => (t.kind === 'char' ? escapeRegExp(t.ch) : t.kind === 'star' ? '[\\s\\S]*' : '[\\s\\S]')).join('');
  return new RegExp(`^${source}$`, 'u').test(value);
}

const isColon = (t: Token): boolean => t.kind === 'char' && t.ch === ':';

/**
 * Splits pattern tokens into the six ARN fields at the first five colons (the resource field keeps
 * the rest, colons included). Undefined when the pattern is not an ARN: it must start with the
 * literal text `arn:` and have at least five colons.
 */
export function splitArnTokens(tokens: readonly Token[]): Token[][] | undefined {
  if (tokensToText(tokens.slice(0, 4)) !== 'arn:' || !tokens.slice(0, 4).every((t) => t.kind === 'char')) return undefined;
  const fields: Token[][] = [[]];
  for (const t of tokens) {
    if (fields.length < 6 && isColon(t)) fields.push([]);
    else fields[fields.length - 1]!.push(t);
  }
  return fields.length === 6 ? fields : undefined;
}

/** Splits a concrete ARN into six fields; undefined when it is not an ARN. */
export function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * Resource-style matching (semantics.md, "Resource"): an ARN pattern is compared field by field,
 * each field a glob that cannot reach into a neighbouring field (the value's non-last fields hold
 * no colon, so a per-field glob cannot cross); a value that is not an ARN never matches an ARN
 * pattern. A pattern that is not an ARN is a glob over the whole value.
 */
export function arnOrGlobMatches(tokens: readonly Token[], value: string): boolean {
  const patternFields = splitArnTokens(tokens);
  if (patternFields === undefined) return globMatches(tokens, value);
  const valueFields = splitArn(value);
  if (valueFields === undefined) return false;
  return patternFields.every((field, i) => globMatches(field, valueFields[i]!));
}
