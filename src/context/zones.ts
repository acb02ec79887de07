/**
 * IANA zone names: checking them against the runtime's Intl data, and finding the zones that
 * policies reference (`tessera:LocalHour/Europe/Berlin`), so that a caller derives exactly the
 * local-time keys its policies need.
 */
import { closest } from '../policy/index.js';

const known = new Map<string, boolean>();
let supported: readonly string[] | undefined;

/** Why `zone` is not a time zone Intl knows (message and help), or undefined when it is one. */
export function zoneProblem(zone: string): { message: string; help: string } | undefined {
  let ok = known.get(zone);
  if (ok === undefined) {
    // Zone names are case-insensitive to Intl; a raw offset such as `+02:00` is not an IANA name.
    ok = zone.trim() === zone && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && accepts(zone);
    if (known.size < 1024) known.set(zone, ok);
  }
  if (ok) return undefined;
  supported ??= Intl.supportedValuesOf('timeZone');
  const guess = closest(zone, supported) ?? closest(zone.slice(zone.lastIndexOf('/') + 1), supported.map((z) => z.slice(z.lastIndexOf('/') + 1)));
  const full = guess === undefined ? undefined : supported.find((z) => z === guess || z.endsWith(`/${guess}`));
  return {
    message: `\`${zone}\` is not an IANA time zone this runtime knows`,
    help: full === undefined ? 'write an IANA zone name such as `Europe/Berlin` or `America/New_York`' : `did you mean \`${full}\`?`,
  };
}

function accepts(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const LOCAL_KEY = /tessera:local(?:hour|minuteofday|dayofweek)\/([A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*)/gi;

/** What `zonesReferenced` reads: policy JSON text, a parsed policy (or a list of them), or key names. */
export type ZoneReferenceSource = string | Iterable<unknown> | Readonly<Record<string, unknown>>;

/**
 * The zones named by local-time keys in `source`, in first-seen order, one per zone
 * case-insensitively (the authorizer matches key names case-insensitively). Reads condition keys
 * (object member names) and policy variables in values (`${tessera:LocalHour/Asia/Tokyo}`). JSON
 * text is parsed first so that escapes such as `\/` are read as JSON reads them; text that is not
 * JSON (or a single key name) is scanned as it is. Zones are returned as written, valid or not:
 * the enricher's configuration reports the invalid ones.
 */
export function zonesReferenced(source: ZoneReferenceSource): string[] {
  const found = new Map<string, string>();
  const scan = (text: string): void => {
    for (const m of text.matchAll(LOCAL_KEY)) {
      const zone = m[1] as string;
      if (!found.has(zone.toLowerCase())) found.set(zone.toLowerCase(), zone);
    }
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64) return; // policies are shallow; this only bounds hostile input
    if (typeof v === 'string') scan(v);
    else if (typeof v === 'object' && v !== null) {
      if (Symbol.iterator in v) for (const x of v as Iterable<unknown>) walk(x, depth + 1);
      else for (const [k, x] of Object.entries(v)) {
        scan(k);
        walk(x, depth + 1);
      }
    }
  };
  if (typeof source === 'string') {
    const parsed = tryJson(source);
    if (parsed.ok) walk(parsed.value, 0);
    else scan(source);
  } else walk(source, 0);
  return [...found.values()];
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
