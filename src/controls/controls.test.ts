import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CATALOG_CHECK_CODES } from './checks.js';
import { benefitAt, mitigationAt, parseControlCatalog, profileAt } from './controls.js';
import { findPlaceholders, placeholderProblem, renderProfileText } from './placeholders.js';
import { ramClassOf } from './vocabulary.js';

type Json = Record<string, unknown>;

const source = (note: string) => ({ kind: 'estimate', note });

function control(id: string, extra: Json = {}): Json {
  return {
    id,
    name: `control ${id}`,
    category: 'firewall',
    description: 'a test control',
    packages: ['nftables'],
    runtime: { daemon: false, scheduled: false, listens: 'none', root: true },
    mitigates: { 'brute-force': { strength: 0.3, why: 'ports closed' }, 'lateral-movement': { strength: 0.4, why: 'neighbours kept out' } },
    nist: ['SC-7', 'SC-7(5)'],
    resources: { ram: { class: 'low', mb: 0, when: 'always', source: source('kernel only') }, cpu: { class: 'low', source: source('kernel only') } },
    profiles: {
      standard: { description: 'default deny', files: [{ path: '/etc/nftables.conf', source: 'standard/etc/nftables.conf', mode: '0755' }] },
      strict: { description: 'admin networks only', files: [{ path: '/etc/nftables.conf', source: 'strict/etc/nftables.conf', mode: '0755' }], mitigates: { 'brute-force': { strength: 0.6, why: 'SSH from admin networks only' } } },
    },
    tiers: { low: 'standard', moderate: 'standard', high: 'strict', critical: 'strict' },
    ...extra,
  };
}

function catalog(controls: Json[] = [control('fw-a', { excludes: ['fw-b'] }), control('fw-b', { excludes: ['fw-a'] })]): Json {
  return { version: 1, suite: 'bookworm', controls };
}

function parse(doc: Json) {
  return parseControlCatalog(stringify(doc));
}

/** A catalog with one change made to its first control. */
function withFirst(change: (c: Json) => void): Json {
  const doc = catalog();
  change((doc.controls as Json[])[0] as Json);
  return doc;
}

describe('parseControlCatalog', () => {
  it('reads a valid catalog into typed controls, sorted and defaulted', () => {
    const r = parse(catalog());
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.value.byId.get('fw-a');
    expect(r.value.controls.map((c) => c.id)).toEqual(['fw-a', 'fw-b']);
    expect(a).toMatchObject({ id: 'fw-a', category: 'firewall', excludes: ['fw-b'], requires: [], requiredFrom: null, notes: [], packages: ['nftables'] });
    expect(a?.mitigates).toEqual([{ threat: 'brute-force', strength: 0.3, why: 'ports closed' }, { threat: 'lateral-movement', strength: 0.4, why: 'neighbours kept out' }]);
    expect(a?.resources.ram).toEqual({ class: 'low', mb: 0, when: 'always', source: { kind: 'estimate', ref: null, note: 'kernel only' } });
    expect(a?.profiles.map((p) => p.name)).toEqual(['standard', 'strict']);
    expect(a?.tiers).toEqual({ low: 'standard', moderate: 'standard', high: 'strict', critical: 'strict' });
  });

  it('gives the profile and the mitigations of each tier, overrides applied, and the benefit under threat weights', () => {
    const r = parse(catalog());
    if (!r.ok) throw new Error('catalog should parse');
    const a = r.value.byId.get('fw-a');
    if (a === undefined) throw new Error('fw-a missing');
    expect(profileAt(a, 'minimal')).toBeUndefined();
    expect(profileAt(a, 'moderate')?.name).toBe('standard');
    expect(profileAt(a, 'critical')?.files[0]?.source).toBe('strict/etc/nftables.conf');
    expect(mitigationAt(a, 'minimal')).toEqual([]);
    expect(mitigationAt(a, 'low').map((m) => [m.threat, m.strength])).toEqual([['brute-force', 0.3], ['lateral-movement', 0.4]]);
    expect(mitigationAt(a, 'high').map((m) => [m.threat, m.strength])).toEqual([['brute-force', 0.6], ['lateral-movement', 0.4]]);
    expect(benefitAt(a, 'high', { 'brute-force': 0.5, 'lateral-movement': 1, malware: 1 })).toBeCloseTo(0.5 * 0.6 + 0.4);
    expect(benefitAt(a, 'minimal', { 'brute-force': 1 })).toBe(0);
  });

  it('accepts requiredFrom, requires and notes', () => {
    const doc = catalog([control('fw-a', { requiredFrom: 'high', notes: ['a note'] }), control('scan', { requires: ['fw-a'], category: 'malware-scan' })]);
    const r = parse(doc);
    expect(r.diagnostics).toEqual([]);
    if (!r.ok) return;
    expect(r.value.byId.get('fw-a')?.requiredFrom).toBe('high');
    expect(r.value.byId.get('scan')?.requires).toEqual(['fw-a']);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parseControlCatalog('version: 1\nsuite: bookworm\ncontrols:\n  - id: a\n - b\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'controls/yaml', severity: 'error', path: 'line 5' });
    expect(r.diagnostics[0]?.message).toMatch(/^not YAML: /);
  });

  it('reports duplicate keys as YAML errors', () => {
    const r = parseControlCatalog('version: 1\nversion: 1\nsuite: bookworm\ncontrols: []\n');
    expect(r.diagnostics[0]?.code).toBe('controls/yaml');
  });

  it.each<[string, (c: Json) => void, string]>([
    ['a missing field', (c) => delete c.packages, '`packages` is required'],
    ['an unknown field', (c) => void (c.colour = 'red'), '$.controls[0].colour is not a known field'],
    ['an unknown category', (c) => void (c.category = 'antivirus'), 'must be one of'],
    ['a mode written as a number', (c) => void ((((c.profiles as Json).standard as Json).files as Json[])[0] = { path: '/etc/x', source: 'standard/x', mode: 644 }), 'must be string'],
    ['a malformed NIST id', (c) => void (c.nist = ['SC7']), 'must match pattern'],
    ['a malformed package name', (c) => void (c.packages = ['Nftables']), 'must match pattern'],
    ['an unknown runtime value', (c) => void ((c.runtime as Json).listens = 'internet'), 'must be one of'],
  ])('rejects %s through the schema', (_what, change, message) => {
    const r = parse(withFirst(change));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.every((d) => d.code === 'controls/schema')).toBe(true);
    expect(r.diagnostics.map((d) => d.message).join('\n')).toContain(message);
  });

  /** One input per check; the test after the table makes sure every registered code is here. */
  const cases: [string, Json, string, string][] = [
    ['controls/duplicate-id', catalog([control('fw-a'), control('fw-a')]), '$.controls[1].id', '`fw-a` is already the id of controls[0]'],
    ['controls/no-mitigation', withFirst((c) => void (c.mitigates = {})), '$.controls[0].mitigates', 'mitigates no threat'],
    ['controls/unknown-threat', withFirst((c) => void ((c.mitigates as Json)['brute-forse'] = { strength: 0.2, why: 'typo' })), '$.controls[0].mitigates["brute-forse"]', 'did you mean `brute-force`?'],
    ['controls/strength-range', withFirst((c) => void ((c.mitigates as Json)['brute-force'] = { strength: 1.5, why: 'too strong' })), '$.controls[0].mitigates["brute-force"].strength', 'strength 1.5 is outside 0–1'],
    ['controls/image-path', withFirst((c) => void ((((c.profiles as Json).standard as Json).files as Json[])[0] = { path: 'etc/../nftables.conf', source: 'standard/etc/nftables.conf', mode: '0755' })), '$.controls[0].profiles.standard.files[0].path', 'not an absolute, normalised path'],
    ['controls/duplicate-path', withFirst((c) => void (((c.profiles as Json).standard as Json).files as Json[]).push({ path: '/etc/nftables.conf', source: 'standard/other', mode: '0644' })), '$.controls[0].profiles.standard.files[1].path', 'places `/etc/nftables.conf` twice'],
    ['controls/source-path', withFirst((c) => void ((((c.profiles as Json).standard as Json).files as Json[])[0] = { path: '/etc/nftables.conf', source: '../secrets', mode: '0644' })), '$.controls[0].profiles.standard.files[0].source', 'not a relative path inside profiles/fw-a/'],
    ['controls/unknown-tier', withFirst((c) => void ((c.tiers as Json).critcal = 'strict')), '$.controls[0].tiers.critcal', 'did you mean `critical`?'],
    ['controls/unknown-profile', withFirst((c) => void ((c.tiers as Json).high = 'strikt')), '$.controls[0].tiers.high', 'did you mean `strict`?'],
    ['controls/unused-profile', withFirst((c) => void (((c.profiles as Json).spare = { description: 'unused', files: [] }))), '$.controls[0].profiles.spare', 'no tier uses profile `spare`'],
    ['controls/required-not-offered', withFirst((c) => { c.requiredFrom = 'moderate'; delete (c.tiers as Json).high; }), '$.controls[0].requiredFrom', 'has no profile for `high`'],
    ['controls/ram-class', withFirst((c) => void (((c.resources as Json).ram as Json).mb = 1300)), '$.controls[0].resources.ram.class', '1300 MB is RAM class `high`, not `low`'],
    ['controls/missing-citation', withFirst((c) => void (((c.resources as Json).cpu as Json).source = { kind: 'cited', note: 'somewhere' })), '$.controls[0].resources.cpu.source', 'names no source'],
    ['controls/self-reference', withFirst((c) => void (c.excludes = ['fw-b', 'fw-a'])), '$.controls[0].excludes[1]', '`fw-a` excludes itself'],
    ['controls/unknown-control', withFirst((c) => void (c.requires = ['fw-c'])), '$.controls[0].requires[0]', 'did you mean `fw-a`?'],
    ['controls/asymmetric-exclude', catalog([control('fw-a', { excludes: ['fw-b'] }), control('fw-b')]), '$.controls[0].excludes[0]', '`fw-b` does not exclude `fw-a`'],
    ['controls/requires-excluded', withFirst((c) => void (c.requires = ['fw-b'])), '$.controls[0].requires[0]', 'both requires and excludes `fw-b`'],
  ];

  it.each(cases)('reports %s', (code, doc, path, message) => {
    const r = parse(doc);
    const d = r.diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(r.diagnostics, null, 1)).toBeDefined();
    expect(d?.path).toBe(path);
    expect(d?.message).toContain(message);
    expect(d?.message).toMatch(/\(line \d+\)$/);
    expect(d?.help.length).toBeGreaterThan(0);
    if (code === 'controls/unused-profile') {
      expect(d?.severity).toBe('warning');
      expect(r.ok).toBe(true);
    } else {
      expect(d?.severity).toBe('error');
      expect(r.ok).toBe(false);
    }
  });

  it('has a case for every check it registers', () => {
    expect(new Set(cases.map(([code]) => code))).toEqual(new Set(CATALOG_CHECK_CODES));
  });

  it('locates a problem at its YAML line', () => {
    const text = stringify(withFirst((c) => void ((c.mitigates as Json).malwre = { strength: 0.1, why: 'x' })));
    const line = text.split('\n').findIndex((l) => l.includes('malwre')) + 1;
    const d = parseControlCatalog(text).diagnostics.find((x) => x.code === 'controls/unknown-threat');
    expect(d?.message).toMatch(new RegExp(`\\(line (${line}|${line + 1})\\)$`));
  });

  it('classes RAM at 20 and 200 MB', () => {
    expect([0, 19.9, 20, 199, 200, 1300].map(ramClassOf)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high']);
  });
});

describe('profile placeholders', () => {
  const template = [
    'policy drop',
    'tcp dport { {{app.ports.tcp}} } accept',
    'multiport {{app.ports.tcp|csv}}',
    'ignoreip = 127.0.0.1 {{admin.sources|spaced}}',
    'allow {{admin.sources.ipv4|each}} port {{admin.ssh.port}}',
    'pool {{ time.pool }} iburst',
    'forward to {{log.forward.host}}',
  ].join('\n');

  it('finds every placeholder with its format and line', () => {
    expect(findPlaceholders(template).map((u) => [u.name, u.format, u.line])).toEqual([
      ['app.ports.tcp', null, 2], ['app.ports.tcp', 'csv', 3], ['admin.sources', 'spaced', 4], ['admin.sources.ipv4', 'each', 5], ['admin.ssh.port', null, 5], ['time.pool', null, 6], ['log.forward.host', null, 7],
    ]);
  });

  it('fills lists, repeats `each` lines and removes lines whose placeholder has no value', () => {
    const r = renderProfileText(template, { 'app.ports.tcp': ['80', '443'], 'admin.sources.ipv4': ['10.0.0.0/8', '192.0.2.7'], 'admin.sources.ipv6': ['fd00::/8'] });
    expect(r).toEqual({
      ok: true,
      text: ['policy drop', 'tcp dport { 80, 443 } accept', 'multiport 80,443', 'ignoreip = 127.0.0.1 10.0.0.0/8 192.0.2.7 fd00::/8', 'allow 10.0.0.0/8 port 22', 'allow 192.0.2.7 port 22', 'pool 2.debian.pool.ntp.org iburst'].join('\n'),
    });
  });

  it('uses the defaults when nothing is given', () => {
    expect(renderProfileText(template)).toEqual({ ok: true, text: 'policy drop\npool 2.debian.pool.ntp.org iburst' });
  });

  it.each<[string, string, Record<string, string | string[]>, string]>([
    ['an unknown placeholder', '{{app.port}}', {}, '`{{app.port}}` names no placeholder'],
    ['an unknown format', '{{app.ports.tcp|json}}', {}, '`json` is not a format'],
    ['a format on a single value', '{{time.pool|csv}}', {}, 'is a single value and takes no format'],
    ['two `each` lists on a line', '{{app.ports.tcp|each}} {{app.ports.udp|each}}', {}, 'more than one `each` list on a line'],
    ['a value that would break out of its line', 'x', { 'time.pool': 'pool.example\nallow all' }, 'is not a host name or address'],
    ['a port out of range', 'x', { 'app.ports.tcp': ['70000'] }, 'is not a port (1-65535)'],
    ['a list where a single value belongs', 'x', { 'admin.ssh.port': ['22', '2222'] }, 'takes a single value, not a list'],
    ['a value for a joined list', 'x', { 'admin.sources': ['10.0.0.0/8'] }, 'give those instead'],
    ['a value for an unknown name', 'x', { 'app.portz': '1' }, '`app.portz` names no placeholder'],
  ])('refuses %s', (_what, text, values, problem) => {
    const r = renderProfileText(text, values);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toContain(problem);
  });

  it('judges one use at a time', () => {
    expect(placeholderProblem({ name: 'app.ports.tcp', format: 'each', line: 1, raw: 'app.ports.tcp|each' })).toBeUndefined();
    expect(placeholderProblem({ name: 'nope', format: null, line: 1, raw: 'nope' })).toContain('names no placeholder');
  });
});
