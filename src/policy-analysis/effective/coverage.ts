/**
 * What the expansion could not see: the catalog holds only the services it loaded, so a policy
 * naming another service, or reaching every service through `*` or NotAction, is larger than the
 * report. Coverage says by how much.
 */
import type { ServiceCatalog } from '../../policy/index.js';
import { globCovers, globMatches } from './glob.js';
import type { StatementView } from './statements.js';
import type { Coverage } from './types.js';

export function loadedServices(catalog: ServiceCatalog): string[] {
  return catalog.servicePrefixes.filter((p) => catalog.service(p) !== undefined).sort();
}

export function coverage(catalog: ServiceCatalog, views: readonly StatementView[]): Coverage {
  const loaded = loadedServices(catalog);
  const isLoaded = new Set(loaded);
  const unloaded = catalog.servicePrefixes.filter((p) => !isLoaded.has(p));
  const named = new Set<string>();
  const reached = new Set<string>();
  for (const v of views) {
    if (v.side !== 'identity' || v.effect !== 'Allow') continue;
    const patterns = v.statement.action.patterns.map((p) => p.value);
    if (v.statement.action.negated) {
      // NotAction reaches every service it does not exclude whole.
      for (const p of unloaded) if (!patterns.some((x) => globCovers(x.toLowerCase(), `${p}:*`))) reached.add(p);
      continue;
    }
    for (const pattern of patterns) {
      const colon = pattern.indexOf(':');
      const service = (colon < 0 ? pattern : pattern.slice(0, colon)).toLowerCase();
      if (/[*?]/.test(service)) for (const p of unloaded) if (globMatches(service, p)) reached.add(p);
      if (pattern === '*') for (const p of unloaded) reached.add(p);
      else if (!/[*?]/.test(service) && !isLoaded.has(service)) named.add(service);
    }
  }
  return { servicesLoaded: loaded, notLoadedButReferenced: [...named].sort(), unloadedReachedByWildcards: reached.size };
}
