/**
 * Where a top-level member's value sits in a JSON object's text, without parsing it. The
 * `/v1/authorize` body parser uses it to recognise a policy set it has compiled before by its
 * exact text (routes/authorize-body.ts), so a service that sends the same set with every request
 * pays neither for parsing that set again nor for serializing it to look it up.
 *
 * It answers only when the answer is certain to be the value JSON.parse would give the member:
 * the text is an object whose keys hold no escapes (an escaped key could spell the same name),
 * and the name appears once at the top level (JSON.parse keeps the last of duplicates).
 * Anything else, malformed text included, is undefined, and the caller parses the whole body as
 * before. It never reads past the text and runs in one pass, so hostile input costs linear time.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface Span {
  /** The value's first character. */
  readonly start: number;
  /** Just after its last character. */
  readonly end: number;
}

export function topLevelMemberSpan(text: string, name: string): Span | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return undefined;
  let found: Span | undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyStart = i + 1;
    const keyEnd = text.indexOf('"', keyStart);
    if (keyEnd < 0) return undefined;
    const backslash = text.indexOf('\\', keyStart);
    if (backslash >= 0 && backslash < keyEnd) return undefined;
    const isName = keyEnd - keyStart === name.length && text.startsWith(name, keyStart);
    i = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(i) !== COLON) return undefined;
    const start = skipSpace(text, i + 1);
    const end = skipValue(text, start);
    if (end < 0) return undefined;
    if (isName) {
      if (found !== undefined) return undefined;
      found = { start, end };
    }
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? found : undefined;
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/**
 * Just after the string that opens at `i` (a quote), or -1 when it does not close. Jumps from
 * quote to quote with indexOf (policy sets are mostly string contents); a quote is the end unless
 * an odd number of backslashes precedes it.
 */
function skipString(text: string, i: number): number {
  for (let from = i + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let b = quote - 1;
    while (b > i && text.charCodeAt(b) === BACKSLASH) b--;
    if ((quote - 1 - b) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * Just after the value that starts at `i`, or -1. Objects and arrays by their brackets (strings
 * skipped whole, so brackets inside them do not count); scalars up to the next delimiter. The
 * value's own validity is JSON.parse's business when the body is parsed; this only has to find
 * where it ends in text that parses.
 */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) {
        j = skipString(text, j) - 1;
        if (j < 0) return -1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
  }
  return j > i ? j : -1;
}
