/**
 * What every validator check receives: the parsed document, the policy type, the AWS catalog
 * (when loaded) and a way to report. Checks are small functions registered in validate.ts.
 */
import type { PolicyDocument, Statement } from '../ast.js';
import { diagnostic, type Diagnostic, type PolicyDiagnosticCode } from '../diagnostics.js';
import type { SourceLocation } from '../location.js';
import type { PolicyType } from '../request.js';
import type { ServiceCatalog } from '../service-catalog.js';

export interface CheckContext {
  readonly document: PolicyDocument;
  readonly policyType: PolicyType;
  readonly catalog?: ServiceCatalog;
  /** Size of the policy as IAM counts it (JSON without whitespace), when known. */
  readonly compactSize?: number;
  report(code: PolicyDiagnosticCode, message: string, help: string, loc: SourceLocation | undefined, path: string): void;
}

export type Check = (ctx: CheckContext) => void;

export function makeContext(document: PolicyDocument, catalog: ServiceCatalog | undefined, compactSize: number | undefined, out: Diagnostic[]): CheckContext {
  const ctx: { -readonly [K in keyof CheckContext]: CheckContext[K] } = {
    document,
    policyType: document.policyType,
    report: (code, message, help, loc, path) => out.push(diagnostic(code, message, help, { loc, path })),
  };
  if (catalog !== undefined) ctx.catalog = catalog;
  if (compactSize !== undefined) ctx.compactSize = compactSize;
  return ctx;
}

export function statementPath(s: Statement): string {
  return `Statement[${s.index}]`;
}
