/**
 * One fragment version: what it grants (its content as JSON), who wrote, submitted and reviewed
 * it, its status history, and the review actions. A transition sends `If-Match` with the ETag the
 * version was loaded with, so deciding on a version someone else has just changed fails with a
 * 412 instead of silently overriding them.
 */
import { useState } from 'react';
import type { ApiProblem } from '../api';
import { LoadView } from '../components/load-view';
import { ProblemBox } from '../components/problem-box';
import { StatusHistory } from '../components/status-history';
import { Badge } from '../components/status-badge';
import { Link } from '../router';
import type { FragmentOverview, FragmentStatus, FragmentVersion } from '../types';
import { asProblem, useApi, useLoad } from '../use-api';

type Action = 'submit' | 'approve' | 'reject';

/** Which review actions a status allows (src/fragments/lifecycle.ts); the server checks again. */
const ACTIONS_FROM: Readonly<Record<Action, readonly FragmentStatus[]>> = {
  submit: ['draft', 'rejected'],
  approve: ['in-review'],
  reject: ['in-review'],
};

interface Loaded {
  version: FragmentVersion;
  etag: string | null;
  overview: FragmentOverview;
}

const lastBy = (v: FragmentVersion, to: FragmentStatus) => v.history.filter((c) => c.to === to).at(-1);

export function FragmentDetail({ id, version }: { id: string; version: number }) {
  const call = useApi();
  const path = `/v1/fragments/${encodeURIComponent(id)}`;
  const [load, reload] = useLoad<Loaded>(async () => {
    const [v, o] = await Promise.all([call<FragmentVersion>(`${path}/versions/${version}`), call<FragmentOverview>(path)]);
    return { version: v.data, etag: v.etag, overview: o.data };
  }, `${id}@${version}`);

  return (
    <section>
      <p>
        <Link to="/fragments">← Fragments</Link>
      </p>
      <LoadView load={load} onReload={reload}>
        {(l) => <VersionView key={`${l.etag}`} loaded={l} path={`${path}/versions/${version}`} onReload={reload} />}
      </LoadView>
    </section>
  );
}

function VersionView({ loaded, path, onReload }: { loaded: Loaded; path: string; onReload: () => void }) {
  const call = useApi();
  const [v, setV] = useState(loaded.version);
  const [etag, setEtag] = useState(loaded.etag);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = async (action: Action) => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const body = comment.trim() === '' ? { action } : { action, comment: comment.trim() };
      const r = await call<FragmentVersion>(`${path}/transitions`, { method: 'POST', body, headers: etag === null ? {} : { 'if-match': etag } });
      setV(r.data);
      setEtag(r.etag);
      setComment('');
      setDone(`${action}: ${v.id}@${v.version} is now ${r.data.status}`);
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };

  const submitted = lastBy(v, 'in-review');
  const reviewed = v.history.filter((c) => c.to === 'approved' || c.to === 'rejected').at(-1);
  const actions = (Object.keys(ACTIONS_FROM) as Action[]).filter((a) => ACTIONS_FROM[a].includes(v.status));
  return (
    <>
      <h1>
        {v.content.title} <Badge value={v.status} />
      </h1>
      <p className="muted">
        {v.id}@{v.version} · owner {v.content.owner} · {v.content.resourceType} · risk {v.content.risk} · ETag <code>{etag ?? 'none'}</code>
      </p>
      <p>{v.content.description}</p>
      <dl className="facts">
        <dt>Created</dt>
        <dd>
          {v.createdBy} at {v.createdAt}
        </dd>
        <dt>Submitted</dt>
        <dd>{submitted === undefined ? '—' : `${submitted.by} at ${submitted.at}`}</dd>
        <dt>Reviewed</dt>
        <dd>{reviewed === undefined ? '—' : `${reviewed.to} by ${reviewed.by} at ${reviewed.at}`}</dd>
      </dl>

      <h2>Review</h2>
      {actions.length === 0 ? (
        <p className="muted">No review action applies to a {v.status} version.</p>
      ) : (
        <div className="review">
          <label htmlFor="comment">Comment</label>
          <textarea id="comment" rows={2} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
          <div className="buttons">
            {actions.map((a) => (
              <button key={a} type="button" disabled={busy} onClick={() => void act(a)} className={a === 'reject' ? 'danger' : undefined}>
                {a[0]?.toUpperCase()}
                {a.slice(1)}
              </button>
            ))}
          </div>
        </div>
      )}
      {done !== null && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {problem !== null && <ProblemBox problem={problem} onReload={problem.status === 412 ? onReload : undefined} />}

      <h2>Status history</h2>
      <StatusHistory history={v.history} />

      <h2>Versions</h2>
      <ul className="versions">
        {loaded.overview.versions.map((s) => (
          <li key={s.version}>
            <Link to={`/fragments/${encodeURIComponent(v.id)}/versions/${s.version}`}>version {s.version}</Link> <Badge value={s.status} /> by {s.createdBy} at {s.createdAt}
          </li>
        ))}
      </ul>

      <h2>Content</h2>
      <pre className="json">{JSON.stringify(v.content, null, 2)}</pre>
    </>
  );
}
