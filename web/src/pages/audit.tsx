/**
 * Audit: whether the hash chain is intact, and the latest records, newest first. The API reads
 * forward from a sequence number, so the chain head from the verification says where "latest"
 * starts.
 */
import { LoadView } from '../components/load-view';
import { Badge } from '../components/status-badge';
import type { AuditRecord, AuditVerification } from '../types';
import { useApi, useLoad } from '../use-api';

const LATEST = 50;

export function Audit() {
  const call = useApi();
  const [load, reload] = useLoad(async () => {
    const verification = (await call<AuditVerification>('/v1/audit/verify')).data;
    const after = Math.max(0, verification.head.seq - LATEST);
    const records = (await call<{ items: AuditRecord[] }>(`/v1/audit?after=${after}&limit=${LATEST}`)).data.items;
    return { verification, records: [...records].reverse() };
  }, 'audit');
  return (
    <section>
      <h1>Audit</h1>
      <button type="button" onClick={reload}>
        Refresh
      </button>
      <LoadView load={load} onReload={reload}>
        {({ verification: v, records }) => (
          <>
            <div className={v.ok ? 'notice' : 'problem'} data-testid="chain">
              {v.ok ? (
                <p>
                  Chain intact: {v.records} records checked; head #{v.head.seq} <code title={v.head.hash}>{v.head.hash.slice(0, 16)}…</code>
                </p>
              ) : (
                <>
                  <p>
                    <strong>Chain broken</strong> ({v.records} records checked):
                  </p>
                  <ul>
                    {v.problems.map((p, i) => (
                      <li key={i}>
                        #{p.seq} {p.message} — {p.help} <span className="muted">({p.code})</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
            <table>
              <thead>
                <tr>
                  <th>#</th>
                  <th>When</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Resource</th>
                  <th>Outcome</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={r.seq}>
                    <td>{r.seq}</td>
                    <td>{r.at}</td>
                    <td>{r.actor}</td>
                    <td>{r.action}</td>
                    <td>{r.resource}</td>
                    <td>
                      <Badge value={r.outcome} />
                    </td>
                    <td>
                      <code className="detail">{JSON.stringify(r.detail)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </LoadView>
    </section>
  );
}
