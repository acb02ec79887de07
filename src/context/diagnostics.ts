/**
 * Diagnostics of the context providers: problems in the configuration (reported once, when it is
 * compiled) and in a request's inputs (reported per request). Collected, never thrown, in the same
 * shape as the policy module's diagnostics so that tools can print both alike.
 */

export type ContextDiagnosticCode =
  // Configuration.
  | 'context/invalid-config'
  | 'context/invalid-zone'
  | 'context/duplicate-zone'
  | 'context/invalid-cidr'
  | 'context/cidr-host-bits'
  | 'context/invalid-zone-name'
  | 'context/invalid-arn-pattern'
  | 'context/invalid-level'
  | 'context/invalid-device'
  | 'context/invalid-workload'
  // Request inputs.
  | 'context/invalid-current-time'
  | 'context/invalid-source-ip'
  | 'context/multi-valued-input'
  | 'context/unknown-device'
  | 'context/unknown-workload'
  | 'context/invalid-tag-level'
  | 'context/caller-value-differs'
  | 'context/unknown-tessera-key';

/**
 * `error`: the configuration cannot be used (no enricher is built). `warning`: the result may not
 * be what the author meant. `info`: an input named something the providers could not use, so a key
 * was not derived (the authorizer will then report the key as missing where a statement needs it).
 */
export type ContextSeverity = 'error' | 'warning' | 'info';

export interface ContextDiagnostic {
  readonly code: ContextDiagnosticCode;
  readonly severity: ContextSeverity;
  readonly message: string;
  /** What to do about it. */
  readonly help: string;
  /** Where: a path into the configuration (`network.zones[0].cidrs[1]`) or the request (`context.aws:SourceIp`). */
  readonly path: string;
}

/** Anything that takes per-request diagnostics (a provider's sink). */
export interface DiagnosticReporter {
  report(code: ContextDiagnosticCode, severity: ContextSeverity, path: string, message: string, help: string): void;
}

/** Accumulates diagnostics; `hasErrors` tells whether a configuration is usable. */
export class DiagnosticSink {
  readonly items: ContextDiagnostic[] = [];

  add(code: ContextDiagnosticCode, severity: ContextSeverity, path: string, message: string, help: string): void {
    this.items.push({ code, severity, message, help, path });
  }

  error(code: ContextDiagnosticCode, path: string, message: string, help: string): void {
    this.add(code, 'error', path, message, help);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

export function hasContextErrors(diagnostics: readonly ContextDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** A configuration with errors: thrown only by `createContextEnricher`, carrying every diagnostic. */
export class InvalidContextConfigError extends Error {
  readonly diagnostics: readonly ContextDiagnostic[];
  constructor(diagnostics: readonly ContextDiagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error');
    super(first === undefined ? 'invalid context configuration' : `invalid context configuration: ${first.path}: ${first.message}`);
    this.name = 'InvalidContextConfigError';
    this.diagnostics = diagnostics;
  }
}
