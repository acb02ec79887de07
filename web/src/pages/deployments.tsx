/**
 * Deployments: each one's risk tier and current image, and on demand its lineage — every image it
 * had, from which digest to which, and the reasons the monitor rebuilt it.
 */
import { useState } from 'react';
import { LoadView } from '../components/load-view';
import { Badge } from '../components/status-badge';
import type { Deployment, LineageEntry } from '../types';
import { useApi, useLoad } from '../use-api';

/** `sha256:0123456789ab…`: enough to tell images apart; the full digest is the tooltip. */
function Digest({ value }: { value: string | null }) {
  if (value === null) return <span className="muted">none</span>;
  return (
    <code title={value}>
      {value.length > 19 ? `${value.slice(0, 19)}…` : value}
    </code>
  );
}

/** A monitor reason (`{kind, message, ...}`, src/monitor/reasons.ts) or anything else as JSON. */
function reasonText(r: unknown): string {
  if (typeof r === 'string') return r;
  if (typeof r === 'object' && r !== null) {
    const { kind, message } = r as { kind?: unknown; message?: unknown };
    if (typeof message === 'string') return typeof kind === 'string' ? `${kind}: ${message}` : message;
  }
  return JSON.stringify(r);
}

function appName(d: Deployment): string {
  const name = (d.app as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

function Lineage({ id }: { id: string }) {
  const call = useApi();
  const [load, reload] = useLoad(async () => (await call<{ items: LineageEntry[] }>(`/v1/deployments/${encodeURIComponent(id)}/lineage`)).data.items, id);
  return (
    <LoadView load={load} onReload={reload}>
      {(items) =>
        items.length === 0 ? (
          <p className="muted">No image built yet.</p>
        ) : (
          <ol className="lineage">
            {items.map((e) => (
              <li key={e.seq}>
                <span className="muted">{e.at}</span> <Digest value={e.fromDigest} /> → <Digest value={e.toDigest} />
                <ul>
                  {e.reasons.map((r, i) => (
                    <li key={i}>{reasonText(r)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )
      }
    </LoadView>
  );
}

export function Deployments() {
  const call = useApi();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [load, reload] = useLoad(async () => (await call<{ items: Deployment[] }>('/v1/deployments')).data.items, 'all');
  const toggle = (id: string) => setOpen((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  return (
    <section>
      <h1>Deployments</h1>
      <LoadView load={load} onReload={reload}>
        {(items) =>
          items.length === 0 ? (
            <p className="muted">No deployments are registered.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Deployment</th>
                  <th>App</th>
                  <th>Risk tier</th>
                  <th>Image</th>
                  <th>Updated</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <DeploymentRow key={d.id} d={d} open={open.has(d.id)} onToggle={() => toggle(d.id)} />
                ))}
              </tbody>
            </table>
          )
        }
      </LoadView>
    </section>
  );
}

function DeploymentRow({ d, open, onToggle }: { d: Deployment; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr>
        <td>{d.id}</td>
        <td>{appName(d)}</td>
        <td>{d.riskTier === null ? <span className="muted">not assessed</span> : <Badge value={d.riskTier} />}</td>
        <td>
          <Digest value={d.imageDigest} />
        </td>
        <td>{d.updatedAt}</td>
        <td>
          <button type="button" onClick={onToggle} aria-expanded={open}>
            {open ? 'Hide lineage' : 'Lineage'}
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <Lineage id={d.id} />
          </td>
        </tr>
      )}
    </>
  );
}
