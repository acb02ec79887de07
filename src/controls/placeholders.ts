/**
 * Placeholders in profile files: `{{name}}` or `{{name|format}}`, filled per deployment by the
 * image builder (data/security-controls/README.md, "Placeholders"). One rule keeps the templates
 * valid for every tool: a line whose placeholder has no value (an empty list, an unset optional
 * value) is removed, so a rule about "the admin networks" disappears when there are none.
 *
 * Formats: none (a list joined with `, `), `csv` (joined with `,`), `spaced` (joined with a
 * space) and `each` (the line is repeated once per element, the placeholder replaced by it).
 */

export type PlaceholderKind = 'list' | 'value';

export interface PlaceholderSpec {
  readonly name: string;
  readonly kind: PlaceholderKind;
  /** What each value (or each element of a list) must look like. */
  readonly type: 'port' | 'cidr4' | 'cidr6' | 'cidr' | 'host' | 'name';
  readonly description: string;
  /** The value used when the deployment gives none; absent means "no value" (the line goes). */
  readonly default?: string | readonly string[];
  /** A list made of other lists, in order; it cannot be given directly. */
  readonly joins?: readonly string[];
}

export const PLACEHOLDERS: readonly PlaceholderSpec[] = [
  { name: 'app.name', kind: 'value', type: 'name', description: 'the application name (used as a tag in logs and reports)', default: 'app' },
  { name: 'app.ports.tcp', kind: 'list', type: 'port', description: 'TCP ports the application listens on', default: [] },
  { name: 'app.ports.udp', kind: 'list', type: 'port', description: 'UDP ports the application listens on', default: [] },
  { name: 'app.egress.tcp', kind: 'list', type: 'port', description: 'TCP ports the application connects out to (beyond DNS, NTP and HTTP(S) for updates)', default: [] },
  { name: 'app.egress.udp', kind: 'list', type: 'port', description: 'UDP ports the application connects out to', default: [] },
  { name: 'admin.ssh.port', kind: 'value', type: 'port', description: 'the port administrators reach SSH on', default: '22' },
  { name: 'admin.sources.ipv4', kind: 'list', type: 'cidr4', description: 'IPv4 networks administration may come from (CIDR); empty means none', default: [] },
  { name: 'admin.sources.ipv6', kind: 'list', type: 'cidr6', description: 'IPv6 networks administration may come from (CIDR); empty means none', default: [] },
  { name: 'admin.sources', kind: 'list', type: 'cidr', description: 'both of the above, IPv4 first (for tools that take either family)', joins: ['admin.sources.ipv4', 'admin.sources.ipv6'] },
  { name: 'time.pool', kind: 'value', type: 'host', description: 'the NTP pool or server the host synchronises with', default: '2.debian.pool.ntp.org' },
  { name: 'log.forward.host', kind: 'value', type: 'host', description: 'the central log collector (host name or address); unset means no forwarding' },
  { name: 'log.forward.port', kind: 'value', type: 'port', description: 'the collector\'s TCP port', default: '514' },
];

export const PLACEHOLDER_FORMATS = ['csv', 'spaced', 'each'] as const;
export type PlaceholderFormat = (typeof PLACEHOLDER_FORMATS)[number];

/** One placeholder occurrence: its name, format and 1-based line. */
export interface PlaceholderUse {
  readonly name: string;
  readonly format: PlaceholderFormat | null;
  readonly line: number;
  /** The text between the braces, for messages. */
  readonly raw: string;
}

const PATTERN = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

/** Every `{{...}}` in `text`, in order (known or not: checking them is the caller's job). */
export function findPlaceholders(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(PATTERN)) uses.push({ name: m[1] ?? '', format: (m[2] ?? null) as PlaceholderFormat | null, line: i + 1, raw: (m[0] ?? '').slice(2, -2) });
  });
  return uses;
}

export type PlaceholderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

export type RenderResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: readonly string[] };

const SPECS = new Map(PLACEHOLDERS.map((p) => [p.name, p]));

/** The problems of one use: an unknown name or format, or `each` on a single value. */
export function placeholderProblem(use: PlaceholderUse): string | undefined {
  const spec = SPECS.get(use.name);
  if (spec === undefined) return `\`{{${use.raw}}}\` names no placeholder`;
  if (use.format !== null && !(PLACEHOLDER_FORMATS as readonly string[]).includes(use.format)) return `\`{{${use.raw}}}\`: \`${use.format}\` is not a format (${PLACEHOLDER_FORMATS.join(', ')})`;
  if (use.format !== null && spec.kind === 'value') return `\`{{${use.raw}}}\`: \`${use.name}\` is a single value and takes no format`;
  return undefined;
}

const VALUE_PATTERNS: Record<PlaceholderSpec['type'], RegExp> = {
  port: /^(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/,
  cidr4: /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/,
  cidr6: /^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?$/,
  cidr: /^[0-9A-Fa-f:.]+(?:\/\d{1,3})?$/,
  host: /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$|^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$/,
  name: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
};

/**
 * The problems of deployment values: unknown names, a list where a single value belongs, and
 * any value not of its placeholder's type. Values land inside configuration files, so nothing
 * that could end a line or a quoted string gets through.
 */
export function checkPlaceholderValues(values: PlaceholderValues): string[] {
  const problems: string[] = [];
  for (const [name, v] of Object.entries(values)) {
    const spec = SPECS.get(name);
    if (spec === undefined) {
      problems.push(`\`${name}\` names no placeholder`);
      continue;
    }
    if (v === undefined) continue;
    if (spec.joins !== undefined) {
      problems.push(`\`${name}\` is made of ${spec.joins.map((j) => `\`${j}\``).join(' and ')}; give those instead`);
      continue;
    }
    if (spec.kind === 'value' && typeof v !== 'string') problems.push(`\`${name}\` takes a single value, not a list`);
    for (const e of typeof v === 'string' ? (v === '' ? [] : [v]) : v) {
      if (!VALUE_PATTERNS[spec.type].test(e)) problems.push(`\`${name}\`: ${JSON.stringify(e)} is not a ${spec.type === 'name' ? 'name' : spec.type === 'host' ? 'host name or address' : spec.type === 'port' ? 'port (1-65535)' : spec.type === 'cidr4' ? 'IPv4 address or network' : spec.type === 'cidr6' ? 'IPv6 address or network' : 'address or network'}`);
    }
  }
  return problems;
}

function valueOf(name: string, values: PlaceholderValues): readonly string[] {
  const joins = SPECS.get(name)?.joins;
  if (joins !== undefined) return joins.flatMap((j) => valueOf(j, values));
  const given = values[name];
  const v = given === undefined ? SPECS.get(name)?.default : given;
  if (v === undefined) return [];
  return typeof v === 'string' ? (v === '' ? [] : [v]) : v;
}

const JOIN: Record<string, string> = { csv: ',', spaced: ' ' };

/**
 * Fills the placeholders of `text`. A line with a placeholder that has no value is removed; a
 * line with an `each` placeholder is repeated per element (one `each` list per line at most).
 */
export function renderProfileText(text: string, values: PlaceholderValues = {}): RenderResult {
  const problems: string[] = checkPlaceholderValues(values);
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const uses = findPlaceholders(line);
    for (const u of uses) {
      const p = placeholderProblem(u);
      if (p !== undefined) problems.push(`line ${i + 1}: ${p}`);
    }
    const eachNames = new Set(uses.filter((u) => u.format === 'each').map((u) => u.name));
    if (eachNames.size > 1) problems.push(`line ${i + 1}: more than one \`each\` list on a line`);
    if (uses.some((u) => valueOf(u.name, values).length === 0)) return;
    const fill = (l: string, element?: string) => l.replace(PATTERN, (_m, name: string, format: string | undefined) => {
      if (format === 'each' && element !== undefined) return element;
      return valueOf(name.trim(), values).join(JOIN[format?.trim() ?? ''] ?? ', ');
    });
    const [each] = eachNames;
    if (each === undefined) out.push(fill(line));
    else for (const element of valueOf(each, values)) out.push(fill(line, element));
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, text: out.join('\n') };
}
