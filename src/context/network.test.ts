import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from './diagnostics.js';
import { compileNetworkZones, parseAddress, type NetworkZones } from './network.js';

function zones(config: unknown): { z: NetworkZones | undefined; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  return { z: compileNetworkZones(config, 'network', sink), sink };
}

const config = {
  zones: [
    { name: 'lab', cidrs: ['10.9.0.0/16'] },
    { name: 'corporate', cidrs: ['10.0.0.0/8', '192.168.10.0/24', '2001:db8:1::/48'] },
    { name: 'vpn', cidrs: ['10.0.0.0/8', '100.64.0.0/10', '2001:db8::/32', '198.51.100.7'] },
  ],
  default: 'internet',
};

describe('network zones', () => {
  it('names the first configured zone whose range holds the address (IPv4)', () => {
    const { z, sink } = zones(config);
    expect(sink.items).toEqual([]);
    expect(z?.zoneOf('10.9.1.2')).toBe('lab'); // also in corporate and vpn: first wins
    expect(z?.zoneOf('10.1.2.3')).toBe('corporate'); // also in vpn
    expect(z?.zoneOf('100.64.0.1')).toBe('vpn');
    expect(z?.zoneOf('100.127.255.255')).toBe('vpn');
    expect(z?.zoneOf('100.128.0.0')).toBe('internet');
    expect(z?.zoneOf('198.51.100.7')).toBe('vpn'); // a bare address is a /32
    expect(z?.zoneOf('198.51.100.8')).toBe('internet');
    expect(z?.zoneOf('192.168.10.255')).toBe('corporate');
    expect(z?.zoneOf('192.168.11.0')).toBe('internet');
  });

  it('matches IPv6 in any spelling; first match wins there too', () => {
    const { z } = zones(config);
    expect(z?.zoneOf('2001:db8:1::42')).toBe('corporate');
    expect(z?.zoneOf('2001:0DB8:0001:0000:0000:0000:0000:0042')).toBe('corporate');
    expect(z?.zoneOf('2001:db8:2::1')).toBe('vpn');
    expect(z?.zoneOf('2001:db9::1')).toBe('internet');
    expect(z?.zoneOf('::1')).toBe('internet');
  });

  it('keeps IPv4 and IPv6 apart, as the IpAddress operator does', () => {
    const { z } = zones({ zones: [{ name: 'corporate', cidrs: ['10.0.0.0/8'] }, { name: 'any6', cidrs: ['::/0'] }] });
    expect(z?.zoneOf('::ffff:10.1.2.3')).toBe('any6');
    expect(z?.zoneOf('10.1.2.3')).toBe('corporate');
    expect(z?.zoneOf('11.1.2.3')).toBeUndefined(); // no default: no zone
  });

  it('reads no value that is not an address', () => {
    const { z } = zones(config);
    for (const bad of ['10', '010.0.0.1', '10.0.0.256', 'example.com', '', '10.0.0.0/8']) expect(z?.zoneOf(bad), bad).toBeUndefined();
    expect(parseAddress('  10.1.2.3 ')).toEqual({ v6: false, words: [0x0a010203] });
  });

  it('handles /0 and full-length prefixes', () => {
    const { z } = zones({ zones: [{ name: 'one', cidrs: ['2001:db8::1/128', '203.0.113.9/32'] }, { name: 'all4', cidrs: ['0.0.0.0/0'] }] });
    expect(z?.zoneOf('2001:db8::1')).toBe('one');
    expect(z?.zoneOf('2001:db8::2')).toBeUndefined();
    expect(z?.zoneOf('203.0.113.9')).toBe('one');
    expect(z?.zoneOf('8.8.8.8')).toBe('all4');
  });

  it('reports invalid CIDRs and zone names as errors, host bits as a warning', () => {
    const { sink } = zones({
      zones: [
        { name: 'corp net', cidrs: ['10.0.0.0/33', '10.1.0.0/8', '2001:db8::/129', 'ten', 42, '010.0.0.0/8'] },
        { name: 'vpn' },
        'nope',
        { name: 'x', cidrs: [], extra: 1 },
      ],
      default: '',
      colour: 'blue',
    });
    expect(sink.items.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['context/invalid-config', 'error', 'network.colour'],
      ['context/invalid-zone-name', 'error', 'network.zones[0].name'],
      ['context/invalid-cidr', 'error', 'network.zones[0].cidrs[0]'],
      ['context/cidr-host-bits', 'warning', 'network.zones[0].cidrs[1]'],
      ['context/invalid-cidr', 'error', 'network.zones[0].cidrs[2]'],
      ['context/invalid-cidr', 'error', 'network.zones[0].cidrs[3]'],
      ['context/invalid-cidr', 'error', 'network.zones[0].cidrs[4]'],
      ['context/invalid-cidr', 'error', 'network.zones[0].cidrs[5]'],
      ['context/invalid-config', 'error', 'network.zones[1].cidrs'],
      ['context/invalid-config', 'error', 'network.zones[2]'],
      ['context/invalid-config', 'error', 'network.zones[3].extra'],
      ['context/invalid-config', 'error', 'network.default'],
    ]);
  });

  it('reads IPv4 exactly as ipaddr.js\'s four-part decimal form (property)', () => {
    const quads = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((a) => a.join('.'));
    const odd = fc.constantFrom('0.0.0.0', '255.255.255.255', '1.2.3.4.', '.1.2.3', '1..2.3', '01.2.3.4', '1.2.3.04', '1.2.3.0', '1.2.3');
    fc.assert(fc.property(fc.oneof(fc.stringMatching(/^[0-9.]{0,17}$/), quads, odd), (s) => {
      const a = parseAddress(s);
      if (!ipaddr.IPv4.isValidFourPartDecimal(s)) expect(a).toBeUndefined();
      else expect(a).toEqual({ v6: false, words: [ipaddr.IPv4.parse(s).toByteArray().reduce((w, b) => w * 256 + b, 0)] });
    }), { numRuns: 5000 });
  });
});
