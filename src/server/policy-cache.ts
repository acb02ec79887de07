/**
 * Compiled policy sets for `/v1/authorize`, least recently used first out. Services send the same
 * policy set with every request; compiling it each time would cost far more than the decision.
 *
 * The key is the SHA-256 of the set's canonical JSON (sorted keys), so two spellings of one set
 * share an entry. Canonicalizing walks the whole set in JavaScript, so the native
 * `JSON.stringify` text (the same for a client that serializes the same way each time) is looked
 * up first as an alias of the canonical key: as the Map key itself when it is small (a string
 * lookup is cheaper than a hash call per request), by its SHA-256 when large. The `/v1/authorize`
 * body parser goes further: it looks a set up by the exact text the client sent
 * (`cachedText`), before parsing it, and it aliases the sets it compiles under that text.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../fragments/index.js';
import { compilePolicySet, type Authorizer, type Diagnostic, type PolicySetInput } from '../policy/index.js';

export type Compiled = { authorizer: Authorizer; diagnostics: readonly Diagnostic[] } | { authorizer?: undefined; diagnostics: readonly Diagnostic[] };

/** Alias texts up to this length are Map keys as they are (at most 4 × capacity of them are kept). */
const MAX_RAW_ALIAS = 16 * 1024;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

export class PolicyCache {
  private readonly entries = new Map<string, Compiled>();
  private readonly aliases = new Map<string, string>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 256) {}

  /**
   * The compiled set. `text`, when given, is JSON text that parses to `policies` (the client's own
   * text of the set); otherwise the set is serialized to look it up.
   */
  get(policies: PolicySetInput, text?: string): Compiled {
    const raw = aliasOf(text ?? JSON.stringify(policies));
    let key = this.aliases.get(raw);
    if (key === undefined) {
      key = sha256(canonicalJson(policies));
      if (this.aliases.size >= this.capacity * 4) this.aliases.clear();
      this.aliases.set(raw, key);
    }
    const hit = this.touch(key);
    if (hit !== undefined) return hit;
    this.misses++;
    const compiled = compilePolicySet(policies) as Compiled;
    // Sets with errors are cached too: a client repeating a bad set gets its diagnostics cheaply.
    this.entries.set(key, compiled);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return compiled;
  }

  /** The compiled set whose JSON text (as some client sent it before) is exactly `text`; undefined when not cached. */
  cachedText(text: string): Compiled | undefined {
    const key = this.aliases.get(aliasOf(text));
    return key === undefined ? undefined : this.touch(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(key: string): Compiled | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Re-inserting moves the entry to the young end of the Map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.hits++;
    return hit;
  }
}

const aliasOf = (text: string): string => (text.length <= MAX_RAW_ALIAS ? text : sha256(text));
