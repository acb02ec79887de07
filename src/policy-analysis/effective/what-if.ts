/**
 * What-if matrix: the same input under several named contexts (corporate network vs internet,
 * managed vs unmanaged device, office hours vs night, data sensitivity levels), side by side, with
 * the actions whose standing differs between contexts.
 */
import type { ContextValue, ServiceCatalog } from '../../policy/index.js';
import { allEntries, compareText, effectivePermissions } from './effective.js';
import type { EffectiveInput } from './statements.js';
import type { AccessLevel, EffectivePermissions, LevelCounts } from './types.js';

export interface NamedContext {
  readonly name: string;
  readonly context: Readonly<Record<string, ContextValue>>;
}

/** `allowed`: no open condition; `conditional`: still hangs on keys the context lacks; `absent`: not effective. */
export type WhatIfCell = 'allowed' | 'conditional' | 'absent';

export interface WhatIfColumn {
  readonly name: string;
  readonly context: Readonly<Record<string, ContextValue>>;
  readonly totals: LevelCounts;
  readonly total: number;
  /** The effective actions under this context, sorted. */
  readonly actions: readonly string[];
  readonly result: EffectivePermissions;
}

export interface WhatIfRow {
  readonly action: string;
  readonly accessLevel: AccessLevel;
  /** One cell per context, in the order of `columns`. */
  readonly cells: readonly WhatIfCell[];
}

export interface WhatIfMatrix {
  readonly columns: readonly WhatIfColumn[];
  /** Only the actions whose cell is not the same under every context, sorted by action. */
  readonly rows: readonly WhatIfRow[];
}

export function whatIfMatrix(input: EffectiveInput, catalog: ServiceCatalog, contexts: readonly NamedContext[], principal?: string): WhatIfMatrix {
  const columns: WhatIfColumn[] = contexts.map((c) => {
    const result = effectivePermissions(input, catalog, principal === undefined ? { context: c.context } : { context: c.context, principal });
    const actions = allEntries(result).map((e) => e.action).sort(compareText);
    return { name: c.name, context: c.context, totals: result.totals, total: result.total, actions, result };
  });
  const cells = new Map<string, { action: string; accessLevel: AccessLevel; cells: WhatIfCell[] }>();
  columns.forEach((col, i) => {
    for (const e of allEntries(col.result)) {
      const key = e.action.toLowerCase();
      let row = cells.get(key);
      if (row === undefined) {
        row = { action: e.action, accessLevel: e.accessLevel, cells: columns.map((): WhatIfCell => 'absent') };
        cells.set(key, row);
      }
      row.cells[i] = e.conditional ? 'conditional' : 'allowed';
    }
  });
  const rows = [...cells.values()].filter((r) => r.cells.some((c) => c !== r.cells[0])).sort((a, b) => compareText(a.action, b.action));
  return { columns, rows };
}
