/**
 * Field-wise ARN matching without regular expressions, for Resource patterns on the hot path.
 *
 * V8 keeps a compiled regular expression per pattern; with thousands of distinct patterns their
 * code no longer stays in cache and each test costs ~0.65 µs instead of ~0.05 µs (measured on
 * Node 20). Most Resource patterns are simple per field — `*`, a literal, or a literal followed by
 * `*` — so they compile to string comparisons against the request's fields, located once per
 * request and compared in place. Other shapes return undefined and use the regex matcher (arn.ts).
 */
import { normalizeTokens, STAR, type GlobToken } from './glob.js';

/**
 * One field test: `*`, an exact value, or a literal prefix followed by `*` (`value` is '' for `*`;
 * one object shape for the three keeps the hot path monomorphic).
 */
export interface FieldTest {
  readonly kind: 'any' | 'exact' | 'prefix';
  readonly value: string;
}

export interface FieldPattern {
  /** Partition, service, region, account. */
  readonly head: readonly [FieldTest, FieldTest, FieldTest, FieldTest];
  /** The resource field (the rest of the ARN). */
  readonly resource: FieldTest;
}

function fieldMatches(t: FieldTest, value: string): boolean {
  return t.kind === 'any' || (t.kind === 'exact' ? value === t.value : value.startsWith(t.value));
}

/**
 * A request's resource ARN: the positions of its first five colons (the sixth field keeps the
 * rest, colons included), and each field copied out on first use. Most requests read only the
 * service and resource fields (the resource index) and one or two others; field tests then compare
 * whole strings with `===`, which V8 inlines, rather than in place (`startsWith` at an offset is a
 * builtin call that costs several times more).
 */
export class ResourceArn {
  private partitionText: string | undefined;
  private serviceText: string | undefined;
  private regionText: string | undefined;
  private accountText: string | undefined;
  private resourceText: string | undefined;

  constructor(
    readonly text: string,
    /** Positions of the colons after the partition, service, region and account fields. */
    private readonly c1: number,
    private readonly c2: number,
    private readonly c3: number,
    private readonly c4: number,
  ) {}

  get partition(): string {
    return (this.partitionText ??= this.text.slice(4, this.c1));
  }

  get service(): string {
    return (this.serviceText ??= this.text.slice(this.c1 + 1, this.c2));
  }

  get region(): string {
    return (this.regionText ??= this.text.slice(this.c2 + 1, this.c3));
  }

  get account(): string {
    return (this.accountText ??= this.text.slice(this.c3 + 1, this.c4));
  }

  /** The resource field: everything after the fifth colon. */
  get resource(): string {
    return (this.resourceText ??= this.text.slice(this.c4 + 1));
  }

  get resourceLength(): number {
    return this.text.length - this.c4 - 1;
  }

  /** Where the resource field starts in `text` (to read it in place, without copying it out). */
  get resourceStart(): number {
    return this.c4 + 1;
  }

  /** Where the service field starts in `text`, and its length (read in place by the resource index). */
  get serviceStart(): number {
    return this.c1 + 1;
  }

  get serviceLength(): number {
    return this.c2 - this.c1 - 1;
  }

  /** Do partition, region and account pass the pattern's tests (service and resource unchecked)? */
  headMatches(p: FieldPattern): boolean {
    const [partition, , region, account] = p.head;
    return (
      (account.kind === 'any' || fieldMatches(account, this.account)) &&
      (region.kind === 'any' || fieldMatches(region, this.region)) &&
      (partition.kind === 'any' || fieldMatches(partition, this.partition))
    );
  }

  /** Does the ARN match the pattern, field by field? */
  matches(p: FieldPattern): boolean {
    return fieldMatches(p.head[1], this.service) && fieldMatches(p.resource, this.resource) && this.headMatches(p);
  }
}

/** Splits a request ARN at its field separators; undefined when it is not an ARN (six fields). */
export function splitArn(resource: string): ResourceArn | undefined {
  if (!resource.startsWith('arn:')) return undefined;
  const c1 = resource.indexOf(':', 4);
  const c2 = c1 < 0 ? -1 : resource.indexOf(':', c1 + 1);
  const c3 = c2 < 0 ? -1 : resource.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : resource.indexOf(':', c3 + 1);
  return c4 < 0 ? undefined : new ResourceArn(resource, c1, c2, c3, c4);
}

function fieldTest(tokens: readonly GlobToken[]): FieldTest | undefined {
  const t = normalizeTokens(tokens);
  if (t.length === 0) return { kind: 'exact', value: '' };
  if (t.length === 1) return t[0] === STAR ? { kind: 'any', value: '' } : typeof t[0] === 'string' ? { kind: 'exact', value: t[0] } : undefined;
  if (t.length === 2 && typeof t[0] === 'string' && t[1] === STAR) return { kind: 'prefix', value: t[0] };
  return undefined;
}

/** The field pattern of an ARN pattern's tokens, or undefined when a field needs a regex. */
export function compileFieldPattern(tokens: readonly GlobToken[]): FieldPattern | undefined {
  const fields: GlobToken[][] = [[]];
  for (const t of normalizeTokens(tokens)) {
    if (typeof t !== 'string' || fields.length === 6) {
      fields[fields.length - 1]?.push(t);
      continue;
    }
    let rest = t;
    while (fields.length < 6) {
      const colon = rest.indexOf(':');
      if (colon < 0) break;
      if (colon > 0) fields[fields.length - 1]?.push(rest.slice(0, colon));
      fields.push([]);
      rest = rest.slice(colon + 1);
    }
    if (rest !== '') fields[fields.length - 1]?.push(rest);
  }
  if (fields.length !== 6 || fields[0]?.length !== 1 || fields[0][0] !== 'arn') return undefined;
  const tests = fields.slice(1).map(fieldTest);
  const [partition, service, region, account, resource] = tests;
  // A `*` inside a head field would be `[^:]*`; `any` is exactly that when the field is `*` alone.
  if (partition === undefined || service === undefined || region === undefined || account === undefined || resource === undefined) return undefined;
  return { head: [partition, service, region, account], resource };
}
