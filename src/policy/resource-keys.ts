/**
 * Where a statement's Resource patterns can match, as keys of the resource index
 * (statement-set.ts): each pattern's ARN service field and the literal prefix of its resource
 * field (up to the first wildcard or variable).
 *
 * A field-wise pattern (arn-fields.ts) whose partition, region and account are each literal or `*`
 * also carries what is left to check once its service and prefix matched, as small integers: the
 * interned ids of the partition, region and account it requires and the length of an exact
 * resource field. The index then decides such a pattern by comparing numbers held in the key,
 * without reaching into the statement's compiled matchers (which, in a large set, are rarely in
 * the CPU cache). Other patterns leave the decision to the statement's resource test.
 */
import { compileFieldPattern, type FieldTest } from './arn-fields.js';
import type { PatternList } from './ast.js';
import { parseTemplate, staticTokens } from './variables.js';

/** An ARN head field a key can require: 0 partition, 1 region, 2 account. */
export type HeadField = 0 | 1 | 2;

/** Interns the values of one head field (PredicateTable at compile time). */
export interface HeadFieldIds {
  headFieldId(field: HeadField, value: string, add: boolean): number;
}

/** `-1` in a key's head-field id: the pattern leaves the field open (`*`). */
export const ANY_FIELD = -1;

export interface ResourceKey<S> {
  /** The statement the pattern belongs to. */
  readonly statement: S;
  readonly service: string;
  readonly prefix: string;
  /** True when the fields below decide whether the pattern matches; false: the statement's resource test does. */
  readonly decides: boolean;
  /** Interned ids of the partition, region and account the pattern requires (ANY_FIELD for `*`). */
  readonly partition: number;
  readonly region: number;
  readonly account: number;
  /** For an exact resource field, its length (the prefix is the whole field); -1 otherwise. */
  readonly resourceLength: number;
}

/** The index keys of a statement's Resource list; undefined when a pattern can match anywhere. */
export function resourceKeysOf<S>(statement: S, list: PatternList | undefined, variables: boolean, ids: HeadFieldIds): ResourceKey<S>[] | undefined {
  if (list === undefined || list.negated) return undefined;
  const keys: ResourceKey<S>[] = [];
  for (const p of list.patterns) {
    const { template } = parseTemplate(p.value, variables);
    // Variables are resolved for every visited statement (their missing keys are reported even
    // when the resource does not match), so such statements are visited for every request.
    if (template.hasVariables) return undefined;
    // Field-wise patterns index by their literal service and resource-field prefix, whatever
    // wildcards the region or account hold.
    const fp = compileFieldPattern(staticTokens(template));
    if (fp !== undefined) {
      const [partition, service, region, account] = fp.head;
      if (service.kind !== 'exact') return undefined;
      const id = (field: HeadField, t: FieldTest) => (t.kind === 'exact' ? ids.headFieldId(field, t.value, true) : ANY_FIELD);
      const decides = partition.kind !== 'prefix' && region.kind !== 'prefix' && account.kind !== 'prefix';
      keys.push({
        statement, service: service.value, prefix: fp.resource.value, decides,
        partition: id(0, partition), region: id(1, region), account: id(2, account),
        resourceLength: fp.resource.kind === 'exact' ? fp.resource.value.length : -1,
      });
      continue;
    }
    // Otherwise: the literal text before the first wildcard.
    let literal = '';
    for (const part of template.parts) {
      if (part.kind !== 'text') break;
      literal += part.text;
    }
    if (!literal.startsWith('arn:')) return undefined;
    const fields: number[] = [];
    for (let at = literal.indexOf(':'); at >= 0 && fields.length < 5; at = literal.indexOf(':', at + 1)) fields.push(at);
    // The service field (third) must be literal: it ends before the literal text does.
    const serviceStart = (fields[1] ?? -1) + 1;
    const serviceEnd = fields[2];
    if (serviceEnd === undefined || serviceStart === 0) return undefined;
    const service = literal.slice(serviceStart, serviceEnd);
    // The resource field's literal prefix: empty when a wildcard comes before the fifth colon.
    const prefix = fields.length === 5 ? literal.slice((fields[4] ?? 0) + 1) : '';
    keys.push({ statement, service, prefix, decides: false, partition: ANY_FIELD, region: ANY_FIELD, account: ANY_FIELD, resourceLength: -1 });
  }
  return keys;
}
