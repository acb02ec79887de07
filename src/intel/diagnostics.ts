/** Problems found in a feed or input file: collected, never thrown (design.md). */
export interface IntelDiagnostic {
  /** Namespaced and stable: `intel/kev-schema`, `intel/epss-header`, ... */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** Where: a JSON path (`$.vulnerabilities[3].cveID`) or `line N` of a text feed. */
  readonly path: string;
  readonly message: string;
  readonly help: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T; readonly diagnostics: readonly IntelDiagnostic[] } | { readonly ok: false; readonly diagnostics: readonly IntelDiagnostic[] };

export function hasErrors(diagnostics: readonly IntelDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
