/**
 * Reads request context keys the way the authorizer does: names are case-insensitive
 * (`aws:sourceip` = `aws:SourceIp`) and an empty list is the same as a missing key (semantics.md).
 */
import type { ContextValue } from '../policy/index.js';
import type { DiagnosticReporter } from './diagnostics.js';

const hasOwn = Object.prototype.hasOwnProperty;

export class ContextReader {
  private lower: Map<string, string> | undefined;

  constructor(readonly context: Readonly<Record<string, ContextValue>>) {}

  /** The actual spelling of a key in the request, or undefined when the request lacks it. */
  nameOf(name: string): string | undefined {
    if (hasOwn.call(this.context, name)) return name;
    // Other spellings are rare: build the lower-cased index once, on the first miss.
    if (this.lower === undefined) {
      this.lower = new Map();
      for (const k of Object.keys(this.context)) {
        const l = k.toLowerCase();
        if (!this.lower.has(l)) this.lower.set(l, k);
      }
    }
    return this.lower.get(name.toLowerCase());
  }

  /** The value under a case-insensitive name; an empty list reads as missing. */
  get(name: string): ContextValue | undefined {
    const k = this.nameOf(name);
    if (k === undefined) return undefined;
    const v = this.context[k];
    return Array.isArray(v) && v.length === 0 ? undefined : v;
  }

  /**
   * A key that must hold one value (`aws:SourceIp`, `aws:CurrentTime`): a one-element list is
   * accepted, several values are reported and read as missing (which one would be a guess).
   */
  single(name: string, out: DiagnosticReporter): string | undefined {
    const v = this.get(name);
    if (v === undefined || typeof v === 'string') return v;
    if (v.length === 1) return v[0];
    out.report('context/multi-valued-input', 'info', `context.${name}`, `\`${name}\` has ${v.length} values; the keys derived from it need one`, `send \`${name}\` as a single string`);
    return undefined;
  }
}
