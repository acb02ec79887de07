import { describe, expect, it } from 'vitest';
import { tessera as run } from '../../test/support/cli.js';

describe('tessera deb vercmp', () => {
  it('prints <, = or > as dpkg orders the versions, and refuses what is not a version', async () => {
    expect((await run(['deb', 'vercmp', '1.0~rc1', '1.0'])).out).toBe('<\n');
    expect((await run(['deb', 'vercmp', '1:0.9', '2.0'])).out).toBe('>\n');
    expect((await run(['deb', 'vercmp', '1.0', '1.0-0'])).out).toBe('=\n');
    expect(JSON.parse((await run(['deb', 'vercmp', '2.36-9+deb12u3', '2.36-9+deb12u10', '--json'])).out)).toEqual({ a: '2.36-9+deb12u3', b: '2.36-9+deb12u10', order: -1 });
    const bad = await run(['deb', 'vercmp', 'x:1', '1.0']);
    expect([bad.code, bad.err]).toEqual([1, 'tessera: the epoch `x` of `x:1` is not a number\n']);
  });
});
