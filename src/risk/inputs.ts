/**
 * The risk engine's inputs: application metadata and the deployment environment (app.yaml and
 * env.yaml), each with a JSON Schema, and the vulnerabilities of the packages the app ships.
 * Validation returns diagnostics with JSON paths; unknown fields are warnings, so a file written
 * for a newer Tessera still assesses.
 */
import { checkSchema, type Parsed } from '../intel/index.js';

export type DataSensitivity = 'public' | 'internal' | 'confidential' | 'restricted';
export type UserBase = 'internal' | 'partner' | 'public';
export type Criticality = 'low' | 'medium' | 'high' | 'mission-critical';
export type Exposure = 'internet-facing' | 'partner' | 'internal' | 'isolated';

export interface AppProfile {
  readonly name: string;
  /** What the application does, in a few words (shown in reports). */
  readonly function: string;
  readonly data: {
    /** Kinds of data it holds: `pii`, `payment-card`, `health`, `credentials`, `financial`, ... */
    readonly classes: readonly string[];
    readonly sensitivity: DataSensitivity;
  };
  readonly users: { readonly base: UserBase; readonly size: number };
  readonly criticality: Criticality;
  /** The Debian packages it ships: binary name, optionally its source package and the version in use. */
  readonly packages: readonly { readonly name: string; readonly source?: string; readonly version?: string }[];
}

export interface EnvProfile {
  readonly name: string;
  readonly exposure: Exposure;
  readonly networkControls: { readonly waf: boolean; readonly segmentation: boolean; readonly egressFiltering: boolean };
  readonly accessControls: { readonly mfa: boolean; readonly sso: boolean; readonly privilegedAccessManagement: boolean };
  /** Cloud region (`eu-west-1`) and ISO 3166-1 alpha-2 country of the deployment. */
  readonly region: string;
  readonly country: string;
  /** Compliance regimes: `pci-dss`, `hipaa`, `gdpr`, `sox`, `iso27001`, ... (empty for none). */
  readonly compliance: readonly string[];
}

/** A vulnerability of a package the app ships (from the Debian tracker, OSV, or given by hand). */
export interface VulnerabilityInput {
  readonly cve: string;
  readonly package: string;
  /** CVSS vector (v2, v3.x or v4.0), when one is known. */
  readonly cvss?: string;
  /** The first Debian version that fixes it; null when no fix exists yet. */
  readonly fixedVersion?: string | null;
  /** Debian's urgency from the security tracker (`low`, `medium`, `high`, `not yet assigned`, ...). */
  readonly urgency?: string;
  readonly description?: string;
}

const NAME = { type: 'string', minLength: 1, maxLength: 200 } as const;
const FLAG = { type: 'boolean' } as const;

export const APP_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'data', 'users', 'criticality', 'packages'],
  properties: {
    name: NAME,
    function: { type: 'string', maxLength: 500 },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['sensitivity'],
      properties: {
        classes: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
        sensitivity: { enum: ['public', 'internal', 'confidential', 'restricted'] },
      },
    },
    users: {
      type: 'object',
      additionalProperties: false,
      required: ['base'],
      properties: { base: { enum: ['internal', 'partner', 'public'] }, size: { type: 'integer', minimum: 0, maximum: 10_000_000_000 } },
    },
    criticality: { enum: ['low', 'medium', 'high', 'mission-critical'] },
    packages: {
      type: 'array',
      maxItems: 20_000,
      items: {
        anyOf: [
          { type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$' }, source: { type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$' }, version: { type: 'string', minLength: 1, maxLength: 200 } },
          },
        ],
      },
    },
  },
} as const;

export const ENV_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'exposure'],
  properties: {
    name: NAME,
    exposure: { enum: ['internet-facing', 'partner', 'internal', 'isolated'] },
    networkControls: { type: 'object', additionalProperties: false, properties: { waf: FLAG, segmentation: FLAG, egressFiltering: FLAG } },
    accessControls: { type: 'object', additionalProperties: false, properties: { mfa: FLAG, sso: FLAG, privilegedAccessManagement: FLAG } },
    region: { type: 'string', maxLength: 64 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
    compliance: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' } },
  },
} as const;

export const VULNERABILITIES_SCHEMA = {
  type: 'array',
  maxItems: 200_000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['cve', 'package'],
    properties: {
      cve: { type: 'string', pattern: '^CVE-[0-9]{4}-[0-9]{4,19}$' },
      package: { type: 'string', minLength: 1 },
      cvss: { type: 'string', maxLength: 300 },
      fixedVersion: { type: ['string', 'null'] },
      urgency: { type: 'string', maxLength: 40 },
      description: { type: 'string' },
    },
  },
} as const;

/** A checked input: the value with warnings, or the errors (the same shape as a parsed feed). */
export type Checked<T> = Parsed<T>;

function checked<T>(value: unknown, schema: object, code: string, normalize: (raw: never) => T): Checked<T> {
  const diagnostics = checkSchema(value, schema, code, 'warning', 'see docs/risk.md, "Inputs", for the fields and their values');
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, value: normalize(value as never), diagnostics };
}

interface RawApp { name: string; function?: string; data: { classes?: string[]; sensitivity: DataSensitivity }; users: { base: UserBase; size?: number }; criticality: Criticality; packages: (string | { name: string; source?: string; version?: string })[] }

/** Validates app.yaml / app.json (already parsed), filling documented defaults. */
export function checkApp(value: unknown): Checked<AppProfile> {
  return checked(value, APP_SCHEMA, 'risk/app-schema', (raw: RawApp) => ({
    name: raw.name,
    function: raw.function ?? '',
    data: { classes: [...new Set(raw.data.classes ?? [])].sort(), sensitivity: raw.data.sensitivity },
    users: { base: raw.users.base, size: raw.users.size ?? 0 },
    criticality: raw.criticality,
    packages: raw.packages.map((p) => (typeof p === 'string' ? { name: p } : p)),
  }));
}

interface RawEnv { name: string; exposure: Exposure; networkControls?: Partial<EnvProfile['networkControls']>; accessControls?: Partial<EnvProfile['accessControls']>; region?: string; country?: string; compliance?: string[] }

/** Validates env.yaml / env.json; a control not mentioned is taken as absent (the cautious default). */
export function checkEnv(value: unknown): Checked<EnvProfile> {
  return checked(value, ENV_SCHEMA, 'risk/env-schema', (raw: RawEnv) => ({
    name: raw.name,
    exposure: raw.exposure,
    networkControls: { waf: raw.networkControls?.waf ?? false, segmentation: raw.networkControls?.segmentation ?? false, egressFiltering: raw.networkControls?.egressFiltering ?? false },
    accessControls: { mfa: raw.accessControls?.mfa ?? false, sso: raw.accessControls?.sso ?? false, privilegedAccessManagement: raw.accessControls?.privilegedAccessManagement ?? false },
    region: raw.region ?? '',
    country: raw.country ?? '',
    compliance: [...new Set(raw.compliance ?? [])].sort(),
  }));
}

/** Validates a vulnerability list (vulnerabilities.json). */
export function checkVulnerabilities(value: unknown): Checked<readonly VulnerabilityInput[]> {
  return checked(value, VULNERABILITIES_SCHEMA, 'risk/vulnerabilities-schema', (raw: VulnerabilityInput[]) => raw);
}
