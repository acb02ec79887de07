/**
 * Synthesized policies (issue 8): the list, and one version with everything a reviewer needs — the
 * statements added and removed against the active version, the analysis verdict, the effective
 * permissions within the boundary, the risk — and the lifecycle actions. Like fragments, every
 * transition sends `If-Match` with the ETag the version was loaded with, so a decision on a
 * version someone else has just changed fails with a 412 instead of overriding them. Rollback is
 * activating an earlier approved or superseded version.
 */
import { useState } from 'react';
import type { ApiProblem } from '../api';
import { LoadView } from '../components/load-view';
import { ProblemBox } from '../components/problem-box';
import { StatusHistory } from '../components/status-history';
import { Badge } from '../components/status-badge';
import { EffectiveView, provenWithin, type Effective, type Verdict } from '../components/verdict';
import { Link } from '../router';
import { asProblem, useApi, useLoad, useSession } from '../use-api';

type PolicyStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'active' | 'superseded';
type Action = 'submit' | 'approve' | 'reject' | 'activate';

interface PolicyListItem { id: string; team: string; latestVersion: number; active: number | null; createdAt: string; createdBy: string }
interface PolicyOverview { id: string; team: string; active: number | null; versions: { version: number; status: PolicyStatus; risk: number; createdAt: string; createdBy: string }[] }
interface PolicyVersion {
  id: string; version: number; team: string; status: PolicyStatus; risk: number; createdAt: string; createdBy: string;
  request: { fragments: { ref: string; params: Record<string, string> }[]; boundary: { id: string; version: number } };
  documents: unknown[];
  history: { from: PolicyStatus; to: PolicyStatus; at: string; by: string; comment?: string }[];
}
interface PolicyReview { policy: string; status: PolicyStatus; against: number | null; added: unknown[]; removed: unknown[]; verdict: Verdict | null; risk: number; effective: Effective | null }

/** Which actions a status allows (src/store/policy-port.ts POLICY_TRANSITIONS); the server checks again. */
const ACTIONS_FROM: Readonly<Record<Action, readonly PolicyStatus[]>> = {
  submit: ['draft'],
  approve: ['submitted'],
  reject: ['submitted'],
  activate: ['approved', 'superseded'],
};

export const versionPath = (id: string, version: number) => `/policies/${encodeURIComponent(id)}/versions/${version}`;

export function Policies() {
  const call = useApi();
  const { me } = useSession();
  const [load, reload] = useLoad(async () => (await call<{ items: PolicyListItem[] }>('/v1/policies')).data.items, 'policies');
  return (
    <section>
      <h1>Policies</h1>
      {(me.role === 'central-admin' || me.role === 'delegated-admin') && (
        <p>
          <Link to="/policies/new">Compose a policy</Link> from approved fragments.
        </p>
      )}
      <LoadView load={load} onReload={reload}>
        {(items) =>
          items.length === 0 ? (
            <p className="muted">No synthesized policies yet (POST /v1/policies, or `tessera policies create`).</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Policy</th>
                  <th>Team</th>
                  <th>Latest</th>
                  <th>Active</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={versionPath(p.id, p.latestVersion)}>{p.id}</Link>
                    </td>
                    <td>{p.team}</td>
                    <td>v{p.latestVersion}</td>
                    <td>{p.active === null ? '—' : <Link to={versionPath(p.id, p.active)}>{`v${p.active}`}</Link>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadView>
    </section>
  );
}

interface Loaded {
  version: PolicyVersion;
  etag: string | null;
  overview: PolicyOverview;
  review: PolicyReview;
}

export function PolicyDetail({ id, version }: { id: string; version: number }) {
  const call = useApi();
  const path = `/v1/policies/${encodeURIComponent(id)}`;
  const [load, reload] = useLoad<Loaded>(async () => {
    const [v, o, r] = await Promise.all([call<PolicyVersion>(`${path}/versions/${version}`), call<PolicyOverview>(path), call<PolicyReview>(`${path}/versions/${version}/review`)]);
    return { version: v.data, etag: v.etag, overview: o.data, review: r.data };
  }, `${id}@${version}`);
  return (
    <section>
      <p>
        <Link to="/policies">← Policies</Link>
      </p>
      <LoadView load={load} onReload={reload}>
        {(l) => <VersionView key={`${l.etag}`} loaded={l} path={`${path}/versions/${version}`} onReload={reload} />}
      </LoadView>
    </section>
  );
}

function VersionView({ loaded, path, onReload }: { loaded: Loaded; path: string; onReload: () => void }) {
  const call = useApi();
  const { version: v, overview, review } = loaded;
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const act = async (action: Action) => {
    setBusy(true);
    setProblem(null);
    try {
      const body = comment.trim() === '' ? { action } : { action, comment: comment.trim() };
      await call<PolicyVersion>(`${path}/transitions`, { method: 'POST', body, headers: loaded.etag === null ? {} : { 'if-match': loaded.etag } });
      // Activation changes other versions too (the active one is superseded): load everything again.
      onReload();
    } catch (e) {
      setProblem(asProblem(e));
      setBusy(false);
    }
  };

  const actions = (Object.keys(ACTIONS_FROM) as Action[]).filter((a) => ACTIONS_FROM[a].includes(v.status));
  const label = (a: Action) => (a === 'activate' && v.status === 'superseded' ? 'Roll back to this version' : `${a[0]?.toUpperCase() ?? ''}${a.slice(1)}`);
  const warnings = (review.verdict?.warnings ?? []).filter((w) => w.severity === 'warning');
  return (
    <>
      <h1>
        {v.id}@{v.version} <Badge value={v.status} />
      </h1>
      <p className="muted">
        team {v.team} · risk {v.risk} · by {v.createdBy} at {v.createdAt} · ETag <code>{loaded.etag ?? 'none'}</code>
      </p>
      <p>
        Synthesized from {v.request.fragments.map((f) => f.ref).join(', ')} under boundary {v.request.boundary.id}@{v.request.boundary.version}.
      </p>

      <h2>Versions</h2>
      <ul className="versions" data-testid="policy-versions">
        {overview.versions.map((s) => (
          <li key={s.version}>
            <Link to={versionPath(v.id, s.version)}>version {s.version}</Link> <Badge value={s.status} /> risk {s.risk} by {s.createdBy}
          </li>
        ))}
      </ul>

      <h2>Review</h2>
      <dl className="facts" data-testid="verdict">
        <dt>Compared with</dt>
        <dd>{review.against === null ? 'nothing: no version is active' : `the active version ${review.against}`}</dd>
        <dt>Containment</dt>
        <dd>{review.verdict?.containment ?? 'unknown'}</dd>
        <dt>Proven within</dt>
        <dd>{provenWithin(review.verdict?.delegator)}</dd>
        <dt>Findings</dt>
        <dd>{review.verdict?.findings?.length ?? 0}</dd>
        <dt>Warnings</dt>
        <dd>{warnings.length === 0 ? 'none' : warnings.map((w) => `${w.code ?? ''}: ${w.message ?? ''}`).join('; ')}</dd>
        <dt>Risk</dt>
        <dd>{review.risk}</dd>
      </dl>
      <h3>Statements added and removed</h3>
      <pre className="json" data-testid="diff">
        {review.added.length === 0 && review.removed.length === 0
          ? 'no change in what is granted'
          : [...review.added.map((s) => `+ ${JSON.stringify(s)}`), ...review.removed.map((s) => `- ${JSON.stringify(s)}`)].join('\n')}
      </pre>
      <h3>Effective permissions (within the boundary)</h3>
      <EffectiveView effective={review.effective} />

      {actions.length === 0 ? (
        <p className="muted">No lifecycle action applies to a {v.status} version.</p>
      ) : (
        <div className="review">
          <label htmlFor="comment">Comment</label>
          <textarea id="comment" rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
          <div className="buttons">
            {actions.map((a) => (
              <button key={a} type="button" disabled={busy} onClick={() => void act(a)} className={a === 'reject' ? 'danger' : undefined}>
                {label(a)}
              </button>
            ))}
          </div>
        </div>
      )}
      {problem !== null && <ProblemBox problem={problem} onReload={problem.status === 412 ? onReload : undefined} />}

      <h2>Status history</h2>
      <StatusHistory history={v.history} />

      <h2>Documents</h2>
      <pre className="json">{JSON.stringify(v.documents, null, 2)}</pre>
    </>
  );
}
