/**
 * The context enricher: runs the providers compiled from configuration over a request and returns
 * a new request whose context also holds the derived `tessera:` keys.
 *
 * Rules, decided here:
 * - A key the request already carries wins, in any spelling (names are case-insensitive) and even
 *   as an empty list: the caller assembled the request and may know better (a replayed scenario,
 *   a test, a PEP with its own posture source). When a provider derived a *different* value, a
 *   `context/caller-value-differs` warning names both, because a supplied `tessera:NetworkZone` or
 *   `tessera:DeviceManaged` that disagrees with the evidence is worth a look.
 * - A caller-supplied `tessera:` key that Tessera does not define is reported
 *   (`context/unknown-tessera-key`): a policy cannot ask for it by that name, so it is likely a typo.
 * - A key a provider cannot derive (no `aws:CurrentTime`, no `aws:SourceIp`, unknown device) is not
 *   added, never guessed: the authorizer reports it as missing where a statement needs it.
 * - `derived` holds exactly the keys added to the request.
 */
import { TESSERA_CONTEXT_KEYS, closest, type AuthorizationRequest, type ContextValue } from '../policy/index.js';
import { compileConfig, type CompiledConfig, type ContextConfig } from './config.js';
import { InvalidContextConfigError, hasContextErrors, type ContextDiagnostic, type ContextDiagnosticCode, type ContextSeverity } from './diagnostics.js';
import { ContextReader } from './reader.js';
import type { DeriveSink, EnrichInputs } from './types.js';

export interface EnrichResult {
  /** A new request: the original context plus the derived keys (the input is not modified). */
  readonly request: AuthorizationRequest;
  /** The keys added to the request's context. */
  readonly derived: Readonly<Record<string, ContextValue>>;
  /** Per-request findings: unusable inputs, caller values that differ, unknown `tessera:` keys. */
  readonly diagnostics: readonly ContextDiagnostic[];
}

export interface ContextEnricher {
  enrich(request: AuthorizationRequest, inputs?: EnrichInputs): EnrichResult;
  /** The configuration's warnings (a compiled configuration has no errors). */
  readonly diagnostics: readonly ContextDiagnostic[];
  /** The zones local-time keys are derived for, as configured. */
  readonly timeZones: readonly string[];
}

/** Builds an enricher, or returns the configuration's diagnostics without one when it has errors. */
export function compileContextConfig(config: unknown): { enricher?: ContextEnricher; diagnostics: readonly ContextDiagnostic[] } {
  const { compiled, diagnostics } = compileConfig(config);
  return compiled === undefined ? { diagnostics } : { enricher: new Enricher(compiled, diagnostics), diagnostics };
}

/** Embedding API: builds an enricher; throws InvalidContextConfigError (with every diagnostic) on errors. */
export function createContextEnricher(config: ContextConfig): ContextEnricher {
  const { enricher, diagnostics } = compileContextConfig(config);
  if (enricher === undefined || hasContextErrors(diagnostics)) throw new InvalidContextConfigError(diagnostics);
  return enricher;
}

// Tessera's key catalog (the policy module's), lower-cased: exact names and `/<zone>` families.
const KEY_TYPES = new Map<string, string>();
const FAMILIES: { prefix: string; type: string }[] = [];
for (const k of TESSERA_CONTEXT_KEYS) {
  const name = k.name.toLowerCase();
  if (name.endsWith('/${timezone}')) FAMILIES.push({ prefix: name.slice(0, -'${timezone}'.length), type: k.type });
  else KEY_TYPES.set(name, k.type);
}

function keyType(name: string): string | undefined {
  const l = name.toLowerCase();
  return KEY_TYPES.get(l) ?? FAMILIES.find((f) => l.startsWith(f.prefix) && l.length > f.prefix.length)?.type;
}

/** A value as the key's operators compare it: Bool case-insensitively, Numeric as numbers, lists as sets. */
function canonical(type: string | undefined, v: ContextValue): string {
  const one = (s: string): string => (type === 'Bool' ? s.toLowerCase() : type === 'Numeric' && s.trim() !== '' && Number.isFinite(Number(s)) ? String(Number(s)) : s);
  return typeof v === 'string' ? one(v) : JSON.stringify([...new Set(v.map(one))].sort());
}

/** One request's sink: adds derived keys unless the caller supplied them, and collects diagnostics. */
class RequestSink implements DeriveSink {
  readonly derived: Record<string, ContextValue> = {};
  readonly diagnostics: ContextDiagnostic[] = [];

  /** `supplied`: the request's own `tessera:` keys by lower-cased name (usually none). */
  constructor(private readonly context: Readonly<Record<string, ContextValue>>, private readonly supplied: ReadonlyMap<string, string> | undefined) {}

  report(code: ContextDiagnosticCode, severity: ContextSeverity, path: string, message: string, help: string): void {
    this.diagnostics.push({ code, severity, message, help, path });
  }

  set(key: string, value: ContextValue): void {
    const name = this.supplied?.get(key.toLowerCase());
    if (name === undefined) {
      this.derived[key] = value;
      return;
    }
    const given = this.context[name] as ContextValue;
    if (canonical(keyType(key), given) !== canonical(keyType(key), value)) {
      this.report('context/caller-value-differs', 'warning', `context.${name}`, `the request sets \`${name}\` to ${JSON.stringify(given)}; Tessera derived ${JSON.stringify(value)}`, 'the request\'s value is used; derive the key in one place, or remove it from the request to use the derived value');
    }
  }
}

class Enricher implements ContextEnricher {
  readonly timeZones: readonly string[];

  constructor(private readonly compiled: CompiledConfig, readonly diagnostics: readonly ContextDiagnostic[]) {
    this.timeZones = compiled.clocks.map((c) => c.zone);
  }

  enrich(request: AuthorizationRequest, inputs: EnrichInputs = {}): EnrichResult {
    const context = request.context ?? {};
    // Every derived key is a `tessera:` key, so only the request's own `tessera:` keys can clash.
    let supplied: Map<string, string> | undefined;
    let unknown: string[] | undefined;
    for (const key of Object.keys(context)) {
      if ((key.charCodeAt(0) | 32) !== 116 || key.slice(0, 8).toLowerCase() !== 'tessera:') continue;
      const lower = key.toLowerCase();
      if (!(supplied ??= new Map()).has(lower)) supplied.set(lower, key);
      if (keyType(key) === undefined) (unknown ??= []).push(key);
    }
    const sink = new RequestSink(context, supplied);
    const derive = { request, context: new ContextReader(context), inputs };
    for (const p of this.compiled.providers) p.derive(derive, sink);
    for (const key of unknown ?? []) {
      const zone = key.includes('/') ? key.slice(key.indexOf('/') + 1) : 'UTC';
      const guess = closest(key, TESSERA_CONTEXT_KEYS.map((k) => k.name.replace('${TimeZone}', zone)));
      sink.report('context/unknown-tessera-key', 'warning', `context.${key}`, `\`${key}\` is not a Tessera context key`, guess === undefined ? 'Tessera defines the keys listed in design.md, "Tessera context keys"' : `did you mean \`${guess}\`?`);
    }
    // Object.assign, not spread: spreading an object with many computed keys costs ~15× more in V8.
    const derived = sink.derived;
    return { request: { ...request, context: Object.assign({}, context, derived) }, derived, diagnostics: sink.diagnostics };
  }
}
