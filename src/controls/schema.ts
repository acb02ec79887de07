/**
 * The JSON Schema of data/security-controls/controls.yaml: structure, types and closed
 * vocabularies. What a schema cannot say well (threat ids and tiers with "did you mean",
 * strengths in range, references between controls and profiles, paths, RAM classes against
 * their numbers) is checked afterwards in `checks.ts`, with a diagnostic of its own.
 */
import { CATEGORIES } from './vocabulary.js';

const ID = { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 64 } as const;
const TEXT = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const PACKAGE = { type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$' } as const;
/** NIST SP 800-53 Rev. 5 control or enhancement: `SC-7`, `SC-7(12)`. */
const NIST = { type: 'string', pattern: '^[A-Z]{2}-[0-9]{1,2}(\\([0-9]{1,2}\\))?$' } as const;
/** Strengths are checked for range in checks.ts (one diagnostic that names the threat). */
const MITIGATES = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['strength', 'why'],
    properties: { strength: { type: 'number' }, why: TEXT },
  },
} as const;
const SOURCE = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'note'],
  properties: {
    kind: { enum: ['cited', 'measured', 'estimate'] },
    ref: { type: 'string', minLength: 1, maxLength: 500 },
    note: TEXT,
  },
} as const;
const CLASS = { enum: ['low', 'medium', 'high'] } as const;

export const CONTROL_CATALOG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'suite', 'controls'],
  properties: {
    version: { const: 1 },
    suite: { type: 'string', pattern: '^[a-z]+$' },
    controls: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'category', 'description', 'packages', 'runtime', 'mitigates', 'nist', 'resources', 'profiles', 'tiers'],
        properties: {
          id: ID,
          name: { type: 'string', minLength: 1, maxLength: 120 },
          category: { enum: CATEGORIES },
          description: TEXT,
          packages: { type: 'array', minItems: 1, uniqueItems: true, items: PACKAGE },
          excludes: { type: 'array', uniqueItems: true, items: ID },
          requires: { type: 'array', uniqueItems: true, items: ID },
          requiredFrom: { type: 'string' },
          runtime: {
            type: 'object',
            additionalProperties: false,
            required: ['daemon', 'scheduled', 'listens', 'root'],
            properties: {
              daemon: { type: 'boolean' },
              scheduled: { type: 'boolean' },
              listens: { enum: ['none', 'local', 'network'] },
              root: { type: 'boolean' },
            },
          },
          mitigates: MITIGATES,
          nist: { type: 'array', minItems: 1, uniqueItems: true, items: NIST },
          resources: {
            type: 'object',
            additionalProperties: false,
            required: ['ram', 'cpu'],
            properties: {
              ram: {
                type: 'object',
                additionalProperties: false,
                required: ['class', 'mb', 'when', 'source'],
                properties: { class: CLASS, mb: { type: 'number', minimum: 0, maximum: 1_000_000 }, when: { enum: ['always', 'while-running'] }, source: SOURCE },
              },
              cpu: {
                type: 'object',
                additionalProperties: false,
                required: ['class', 'source'],
                properties: { class: CLASS, source: SOURCE },
              },
            },
          },
          profiles: {
            type: 'object',
            minProperties: 1,
            propertyNames: ID,
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['description', 'files'],
              properties: {
                description: TEXT,
                files: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['path', 'source', 'mode'],
                    properties: {
                      path: { type: 'string', minLength: 2, maxLength: 4096 },
                      source: { type: 'string', minLength: 1, maxLength: 4096 },
                      mode: { type: 'string', pattern: '^0[0-7]{3}$' },
                    },
                  },
                },
                mitigates: MITIGATES,
              },
            },
          },
          tiers: { type: 'object', additionalProperties: ID },
          notes: { type: 'array', items: TEXT },
        },
      },
    },
  },
} as const;
