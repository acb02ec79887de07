/** Policy files for the analysis commands: read, parse with diagnostics, and the AWS catalog they need. */
import { loadAwsCatalog, servicesOf } from '../aws-catalog/index.js';
import { parsePolicy, sortDiagnostics, type Diagnostic, type PolicyDocument, type PolicyType, type ServiceCatalog } from '../policy/index.js';
import { formatDiagnostics } from './format-diagnostics.js';
import { failWith, readPolicies } from './inputs.js';
import type { CliIO } from './io.js';

export interface PolicyFile {
  readonly file: string;
  readonly text: string;
  /** The documents as text (a file may hold one document or an array of them). */
  readonly policies: readonly string[];
  readonly documents: readonly PolicyDocument[];
}

/** Reads and parses policy files; any error is printed with its location and fails the command. */
/** `auto`: identity-style, or resource-based when the document has Principal elements. */
export async function loadPolicyFiles(io: CliIO, files: readonly string[], json: boolean, policyType: PolicyType | 'auto' = 'identity'): Promise<PolicyFile[]> {
  const loaded = await Promise.all(files.map(async (file) => ({ file, ...(await readPolicies(io, file)) })));
  const errors: Diagnostic[] = [];
  const out = loaded.map(({ file, text, policies }) => {
    const documents = policies.flatMap((p, i) => {
      const source = policies.length === 1 ? file : `${file}[${i}]`;
      let r = parsePolicy(p, { policyType: policyType === 'auto' ? 'identity' : policyType, source });
      if (policyType === 'auto' && r.diagnostics.some((d) => d.code === 'policy/principal-not-allowed')) r = parsePolicy(p, { policyType: 'resource', source });
      errors.push(...r.diagnostics.filter((d) => d.severity === 'error'));
      return r.document === undefined ? [] : [r.document];
    });
    return { file, text, policies: policies.map(String), documents };
  });
  if (errors.length > 0) {
    const sorted = sortDiagnostics(errors);
    failWith(io, json, 'invalid policy', sorted, formatDiagnostics(sorted, { sources: new Map(loaded.map((l) => [l.file, l.text])), color: io.isTTY }));
  }
  return out;
}

/** The AWS catalog for the services the documents name (all services when an action pattern could match any). */
export async function catalogFor(documents: readonly PolicyDocument[]): Promise<ServiceCatalog> {
  const patterns: string[] = [];
  let all = false;
  for (const d of documents) {
    for (const s of d.statements) {
      if (s.action.negated) all = true;
      for (const p of s.action.patterns) {
        if (p.value === '*') all = true;
        patterns.push(p.value);
      }
    }
  }
  return loadAwsCatalog(all ? 'all' : servicesOf(patterns));
}

/** Every action name of the loaded services, as `service:Action` (for readable counterexamples). */
export function actionUniverse(catalog: ServiceCatalog, documents: readonly PolicyDocument[]): string[] {
  const services = new Set(documents.flatMap((d) => d.statements.flatMap((s) => s.action.patterns.map((p) => p.value.split(':')[0]?.toLowerCase() ?? ''))));
  const out: string[] = [];
  for (const prefix of services) {
    const info = catalog.service(prefix);
    if (info !== undefined) for (const a of info.actions.values()) out.push(`${info.prefix}:${a.name}`);
  }
  return out;
}
