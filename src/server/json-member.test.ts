import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topLevelMemberSpan } from './json-member.js';

const valueOf = (text: string, name: string): unknown => {
  const span = topLevelMemberSpan(text, name);
  return span === undefined ? undefined : JSON.parse(text.slice(span.start, span.end));
};

/** JSON.stringify with random whitespace around every structural character (outside strings). */
function spaced(value: unknown, pad: () => string): string {
  if (Array.isArray(value)) return `${pad()}[${pad()}${value.map((v) => spaced(v, pad)).join(`${pad()},${pad()}`)}${pad()}]${pad()}`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${pad()}${JSON.stringify(k)}${pad()}:${pad()}${spaced(v, pad)}`);
    return `${pad()}{${members.join(`${pad()},`)}${pad()}}${pad()}`;
  }
  return `${pad()}${JSON.stringify(value)}${pad()}`;
}

describe('topLevelMemberSpan', () => {
  it('finds the value JSON.parse gives the member, in any layout (property)', () => {
    const whitespace = fc.array(fc.constantFrom(' ', '\n', '\t', '\r'), { maxLength: 3 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), fc.boolean(), fc.array(whitespace, { minLength: 1 }), (others, policies, include, pads) => {
        const body: Record<string, unknown> = { ...others };
        delete body.policies;
        if (include) body.policies = policies;
        let n = 0;
        const text = spaced(body, () => pads[n++ % pads.length] as string);
        // JSON's own view of the values (-0 is written 0): what the span's text must parse to.
        const parsed = JSON.parse(text) as Record<string, unknown>;
        expect(parsed).toEqual(JSON.parse(JSON.stringify(body)));
        const escapedKey = Object.keys(body).some((k) => JSON.stringify(k).includes('\\'));
        const span = topLevelMemberSpan(text, 'policies');
        if (!include || escapedKey) {
          if (!include) expect(span).toBeUndefined();
          return;
        }
        expect(span).toBeDefined();
        expect(JSON.parse(text.slice(span?.start, span?.end))).toEqual(parsed.policies);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers undefined where the text could mean something else or is not an object', () => {
    // Duplicates: JSON.parse keeps the last; an escaped key may spell the name.
    expect(topLevelMemberSpan('{"policies":{"a":1},"policies":{"b":2}}', 'policies')).toBeUndefined();
    expect(topLevelMemberSpan('{"policies":{"a":1},"polic\\u0069es":{"b":2}}', 'policies')).toBeUndefined();
    for (const text of ['', '[]', '"policies"', '{', '{"policies"', '{"policies":', '{"policies":{', '{"policies":{"a":"}', '{"policies":1,}', '{"policies":1} x', '{"policies" 1}', '{policies:1}', '{"policies":}']) {
      expect(topLevelMemberSpan(text, 'policies'), text).toBeUndefined();
    }
  });

  it('skips strings whole: brackets, quotes and the name inside them do not count', () => {
    const text = '{"request":{"context":{"k":"}\\"policies\\":{[","policies":"x"}},"policies":{"identity":["{\\"Statement\\":[]}"]}}';
    expect(valueOf(text, 'policies')).toEqual({ identity: ['{"Statement":[]}'] });
    expect(valueOf(text, 'request')).toEqual({ context: { k: '}"policies":{[', policies: 'x' } });
  });

  it('takes scalars, null and nested arrays as values', () => {
    expect(valueOf('{"a":-1.5e3,"policies":null}', 'policies')).toBeNull();
    expect(valueOf('{"policies":[[1,[2]],{"x":[]}],"b":true}', 'policies')).toEqual([[1, [2]], { x: [] }]);
  });

  it('takes linear time on hostile nesting (no recursion to exhaust)', () => {
    const deep = `{"policies":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(topLevelMemberSpan(deep, 'policies')).toEqual({ start: 12, end: deep.length - 1 });
    expect(topLevelMemberSpan(`{"policies":${'['.repeat(200_000)}`, 'policies')).toBeUndefined();
  });
});
