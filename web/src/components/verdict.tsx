/**
 * The analysis verdict of a synthesized policy as reviewers and composers see it: what the
 * containment proof covered, and the effective permissions within the boundary. Shared by the
 * review (policies.tsx) and the composer's preview (policy-compose.tsx).
 */
import { Badge } from './status-badge';

export interface Verdict {
  containment?: string | null;
  delegator?: { principal: string; policies: string[] | null } | null;
  findings?: unknown[];
  warnings?: { severity?: string; code?: string; message?: string }[];
}
export interface Effective { skipped?: string; total?: number; totals?: Record<string, number>; services?: { service: string; totals: Record<string, number>; risk?: string }[]; denied?: number }

export function EffectiveView({ effective }: { effective: Effective | null }) {
  if (effective === null) return <p className="muted">Not computed.</p>;
  if (effective.skipped !== undefined) return <p className="muted">Not computed: {effective.skipped}</p>;
  const levels = (t: Record<string, number> | undefined) =>
    Object.entries(t ?? {})
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  return (
    <table data-testid="effective">
      <thead>
        <tr>
          <th>Service</th>
          <th>Actions by access level</th>
          <th>Risk</th>
        </tr>
      </thead>
      <tbody>
        {(effective.services ?? []).map((s) => (
          <tr key={s.service}>
            <td>{s.service}</td>
            <td>{levels(s.totals)}</td>
            <td>{s.risk === undefined ? '' : <Badge value={String(s.risk)} />}</td>
          </tr>
        ))}
        <tr>
          <td>all</td>
          <td>
            {effective.total ?? 0} action{effective.total === 1 ? '' : 's'}
            {effective.denied ? `, ${effective.denied} denied` : ''}
          </td>
          <td />
        </tr>
      </tbody>
    </table>
  );
}

/** What the containment proof covered: the boundary, and for a delegated admin what it holds itself. */
export function provenWithin(d: Verdict['delegator']): string {
  if (d === undefined || d === null) return 'the boundary';
  if (d.policies === null) return `the boundary (${d.principal} has no assignment, so nothing else bounds it)`;
  return `the boundary and what ${d.principal} holds: ${d.policies.length === 0 ? 'nothing' : d.policies.join(', ')}`;
}
