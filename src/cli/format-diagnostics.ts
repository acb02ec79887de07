/**
 * Compiler-style diagnostics: `file:line:col: severity[code]: message`, the source line, a caret
 * under the problem, and the help.
 */
import type { Diagnostic } from '../policy/index.js';

const COLORS = { error: '\x1b[31m', 'security-warning': '\x1b[35m', warning: '\x1b[33m', suggestion: '\x1b[36m' } as const;

export interface FormatOptions {
  /** The text of each source, to show the offending line. */
  readonly sources?: ReadonlyMap<string, string>;
  /** Used when a diagnostic has no source of its own. */
  readonly defaultSource?: string;
  readonly color?: boolean;
}

export function formatDiagnostic(d: Diagnostic, opts: FormatOptions = {}): string {
  const source = d.loc?.source ?? opts.defaultSource ?? '<input>';
  const where = d.loc === undefined ? source : `${source}:${d.loc.line}:${d.loc.column}`;
  const sev = opts.color === true ? `${COLORS[d.severity]}${d.severity}\x1b[0m` : d.severity;
  const fragment = (d as { fragment?: string }).fragment;
  const policy = d.policy !== undefined ? ` (in ${d.policy}${d.path ? ` at ${d.path}` : ''})` : fragment !== undefined ? ` (fragment ${fragment}${d.path ? ` at ${d.path}` : ''})` : d.path ? ` (at ${d.path})` : '';
  const lines = [`${where}: ${sev}[${d.code}]: ${d.message}${policy}`];
  const text = opts.sources?.get(source);
  if (d.loc !== undefined && text !== undefined) {
    const line = text.split('\n')[d.loc.line - 1];
    if (line !== undefined && line.length < 400) {
      const gutter = String(d.loc.line).padStart(5);
      const width = Math.max(1, Math.min(d.loc.length, line.length - d.loc.column + 1));
      lines.push(`${gutter} | ${line}`, `${' '.repeat(gutter.length)} | ${' '.repeat(d.loc.column - 1)}${'^'.repeat(width)}`);
    }
  }
  lines.push(`      = help: ${d.help}`);
  return lines.join('\n');
}

export function formatDiagnostics(ds: readonly Diagnostic[], opts: FormatOptions = {}): string {
  return ds.map((d) => formatDiagnostic(d, opts)).join('\n\n') + (ds.length > 0 ? '\n' : '');
}

export function summarize(ds: readonly Diagnostic[]): string {
  const count = (s: Diagnostic['severity']) => ds.filter((d) => d.severity === s).length;
  const parts = [
    [count('error'), 'error'],
    [count('security-warning'), 'security warning'],
    [count('warning'), 'warning'],
    [count('suggestion'), 'suggestion'],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  return shown.length === 0 ? 'no findings' : shown.join(', ');
}

/** Diagnostics that may carry a clash (resolution, selection): the message, each clashing rule, the help. */
export function formatClashDiagnostics(diagnostics: readonly { readonly message: string; readonly help: string; readonly clash?: readonly string[] }[]): string {
  return diagnostics.map((d) => [`tessera: ${d.message}`, ...(d.clash ?? []).map((line) => `  - ${line}`), `  help: ${d.help}`].join('\n')).join('\n');
}
