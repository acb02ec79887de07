/**
 * A JSON tree that remembers where every value is written.
 *
 * Built from JSON text (with `jsonc-parser`, strict JSON: no comments, no trailing commas) or from
 * an already-parsed JavaScript value (no locations). Duplicate object keys are kept, in order, so
 * that the policy parser can report them instead of silently keeping the last one as JSON.parse does.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex, type SourceLocation } from './location.js';

export type JsonNode =
  | { readonly kind: 'object'; readonly props: readonly JsonProp[]; readonly loc?: SourceLocation }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[]; readonly loc?: SourceLocation }
  | { readonly kind: 'string'; readonly value: string; readonly loc?: SourceLocation }
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly loc?: SourceLocation }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly loc?: SourceLocation }
  | { readonly kind: 'null'; readonly loc?: SourceLocation };

export interface JsonProp {
  readonly key: string;
  readonly keyLoc?: SourceLocation;
  readonly value: JsonNode;
}

export interface JsonSyntaxError {
  readonly message: string;
  readonly loc: SourceLocation;
}

export type JsonParseResult =
  | { readonly ok: true; readonly root: JsonNode; readonly lines: LineIndex }
  | { readonly ok: false; readonly errors: readonly JsonSyntaxError[] };

/** Nesting deeper than this is refused before parsing: IAM documents nest about five levels. */
export const MAX_JSON_DEPTH = 64;

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected `:`',
  CommaExpected: 'expected `,`',
  CloseBraceExpected: 'expected `}`',
  CloseBracketExpected: 'expected `]`',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/** Parses strict JSON text into a located tree, or returns every syntax error found. */
export function parseJsonText(text: string, source?: string): JsonParseResult {
  const lines = new LineIndex(text);
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== undefined) {
    return {
      ok: false,
      errors: [{ message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`, loc: lines.location(tooDeep, 1, source) }],
    };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || tree === undefined) {
    const found = errors.slice(0, 20).map((e) => ({
      message: SYNTAX_MESSAGES[printParseErrorCode(e.error)] ?? printParseErrorCode(e.error),
      loc: lines.location(e.offset, e.length, source),
    }));
    if (found.length === 0) found.push({ message: 'the document is empty', loc: lines.location(0, 0, source) });
    return { ok: false, errors: found };
  }
  return { ok: true, root: fromParserNode(tree, text, lines, source), lines };
}

/** Wraps an already-parsed value (no source locations). */
export function fromValue(value: unknown): JsonNode {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', value, raw: String(value) };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(fromValue) };
  if (typeof value === 'object') {
    return {
      kind: 'object',
      props: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: fromValue(v) })),
    };
  }
  return { kind: 'string', value: String(value) };
}

/** Converts a located tree back to a plain value (the last of duplicate keys wins, as in JSON.parse). */
export function toValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const p of node.props) out[p.key] = toValue(p.value);
      return out;
    }
    case 'array':
      return node.items.map(toValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/** Finds a child property by exact key (the first, if duplicated). */
export function prop(node: JsonNode, key: string): JsonProp | undefined {
  return node.kind === 'object' ? node.props.find((p) => p.key === key) : undefined;
}

function fromParserNode(node: Node, text: string, lines: LineIndex, source?: string): JsonNode {
  const loc = lines.location(node.offset, node.length, source);
  switch (node.type) {
    case 'object':
      return {
        kind: 'object',
        loc,
        props: (node.children ?? []).flatMap((p) => {
          const [k, v] = p.children ?? [];
          if (k === undefined || v === undefined) return [];
          return [
            {
              key: String(k.value),
              keyLoc: lines.location(k.offset, k.length, source),
              value: fromParserNode(v, text, lines, source),
            },
          ];
        }),
      };
    case 'array':
      return { kind: 'array', loc, items: (node.children ?? []).map((c) => fromParserNode(c, text, lines, source)) };
    case 'string':
      return { kind: 'string', loc, value: String(node.value) };
    case 'number':
      return { kind: 'number', loc, value: Number(node.value), raw: text.slice(node.offset, node.offset + node.length) };
    case 'boolean':
      return { kind: 'boolean', loc, value: node.value === true };
    default:
      return { kind: 'null', loc };
  }
}

/** Returns the offset where nesting first exceeds MAX_JSON_DEPTH, skipping string contents. */
function findExcessiveNesting(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return undefined;
}
