import { describe, expect, it } from 'vitest';
import { clashesWithin } from './clashes.js';
import { universeOf } from './testing.js';

describe('clashesWithin', () => {
  it('finds Conflicts and Breaks inside a set, through provided names, once per pair, never a package with itself', () => {
    const u = universeOf([
      'Package: postfix\nProvides: mail-transport-agent\nConflicts: mail-transport-agent',
      'Package: exim\nProvides: mail-transport-agent\nConflicts: mail-transport-agent',
      'Package: sendmail\nProvides: mail-transport-agent',
      'Package: tool\nBreaks: sendmail (<< 2)',
      'Package: quiet',
    ]);
    const set = ['postfix', 'exim', 'sendmail', 'tool', 'quiet'].map((n) => u.preferred(n)!);
    const found = clashesWithin(u, set).map((c) => `${c.a.package.name}-${c.b.package.name}: ${c.because}`);
    expect(found).toEqual([
      'postfix-sendmail: postfix Conflicts mail-transport-agent',
      'postfix-exim: postfix Conflicts mail-transport-agent',
      'exim-sendmail: exim Conflicts mail-transport-agent',
      'tool-sendmail: tool Breaks sendmail (<< 2)',
    ]);
    expect(clashesWithin(u, [u.preferred('postfix')!, u.preferred('quiet')!])).toEqual([]);
  });
});
