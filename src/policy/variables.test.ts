import { describe, expect, it } from 'vitest';
import { ONE, STAR } from './glob.js';
import { parseTemplate, resolveTemplate } from './variables.js';

describe('policy variables', () => {
  const lookup = (k: string) => ({ 'aws:username': 'alice', 'aws:principaltag/team': 'a*b' } as Record<string, string>)[k.toLowerCase()];

  it('substitutes keys, defaults and the literal escapes', () => {
    const t = parseTemplate("home/${aws:username}/${aws:userid, 'anon'}/${*}${?}${$}/*", true).template;
    expect(resolveTemplate(t, lookup)).toEqual(['home/', 'alice', '/', 'anon', '/*?$/', STAR]);
  });

  it('keeps substituted text literal, even wildcard characters', () => {
    const t = parseTemplate('team/${aws:PrincipalTag/team}/?', true).template;
    expect(resolveTemplate(t, lookup)).toEqual(['team/', 'a*b', '/', ONE]);
  });

  it('reports a missing key and resolves to nothing', () => {
    const missing: string[] = [];
    const t = parseTemplate('x/${aws:userid}', true).template;
    expect(resolveTemplate(t, lookup, (k) => missing.push(k))).toBeUndefined();
    expect(missing).toEqual(['aws:userid']);
  });

  it('treats variables as text under old versions', () => {
    const t = parseTemplate('x/${aws:username}', false).template;
    expect(t.hasVariables).toBe(false);
    expect(resolveTemplate(t, lookup)).toEqual(['x/${aws:username}']);
  });

  it('reports malformed variables', () => {
    expect(parseTemplate('x/${aws:username', true).problems[0]?.message).toContain('unterminated');
    expect(parseTemplate("x/${'oops'}", true).problems[0]?.message).toContain('not a policy variable');
  });
});
