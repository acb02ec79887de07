/**
 * Composing a policy (seed 004, "Delegated Policy Synthesis Interface"): find approved fragments,
 * fill in their parameters, pick a boundary of the team, and preview what the synthesis engine
 * makes of it — the documents, whether the proof holds (and within what), the effective
 * permissions, or why it is refused with the counterexample — before creating the draft. The
 * preview is the server's own synthesis (`POST /v1/policies/preview`), so what is shown is what
 * `Create draft` will store; the button is enabled only for the body that was previewed.
 */
import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api';
import { ProblemBox } from '../components/problem-box';
import { EffectiveView, provenWithin, type Effective, type Verdict } from '../components/verdict';
import { LoadView } from '../components/load-view';
import { navigate } from '../router';
import type { FragmentVersion, SearchResult } from '../types';
import { asProblem, useApi, useLoad, useSession } from '../use-api';
import { versionPath } from './policies';

interface BoundarySummary { id: string; version: number; team: string | null }
interface ParameterSpec { description?: string; pattern?: string; enum?: string[]; default?: string }
interface Chosen { fragment: FragmentVersion; params: Record<string, string> }
interface Preview { approvable: boolean; request: { boundary: { id: string; version: number } }; documents: unknown[]; verdict: Verdict; errors: unknown[]; risk: number; effective: Effective | null }
interface Created { id: string; version: number }

const parametersOf = (f: FragmentVersion): [string, ParameterSpec][] => Object.entries((f.content.parameters as Record<string, ParameterSpec> | undefined) ?? {});

export function PolicyCompose() {
  const call = useApi();
  const { me } = useSession();
  const [id, setId] = useState('');
  const [team, setTeam] = useState(me.team ?? '');
  const [boundary, setBoundary] = useState('');
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [preview, setPreview] = useState<{ body: string; result: Preview } | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  // A delegated admin may only synthesize under its own team's boundaries: list those.
  const boundaryQuery = me.role === 'delegated-admin' && me.team !== null ? `?team=${encodeURIComponent(me.team)}` : '';
  const [boundaries] = useLoad(async () => (await call<{ items: BoundarySummary[] }>(`/v1/boundaries${boundaryQuery}`)).data.items, boundaryQuery);

  const body = {
    id: id.trim(),
    team: team.trim(),
    fragments: chosen.map((c) => ({ ref: `${c.fragment.id}@${c.fragment.version}`, params: Object.fromEntries(Object.entries(c.params).filter(([, v]) => v !== '')) })),
    boundary: { id: boundary },
  };
  const bodyText = JSON.stringify(body);
  const ready = body.id !== '' && body.team !== '' && boundary !== '' && chosen.length > 0;
  const current = preview !== null && preview.body === bodyText ? preview.result : null;

  const run = async (what: 'preview' | 'create') => {
    setBusy(true);
    setProblem(null);
    try {
      if (what === 'preview') {
        setPreview({ body: bodyText, result: (await call<Preview>('/v1/policies/preview', { method: 'POST', body })).data });
      } else {
        // The boundary version the preview was proven under, even if a newer one appeared since.
        const pinned = current === null ? body : { ...body, boundary: current.request.boundary };
        const created = (await call<Created>('/v1/policies', { method: 'POST', body: pinned })).data;
        navigate(versionPath(created.id, created.version));
        return;
      }
    } catch (e) {
      setProblem(asProblem(e));
    }
    setBusy(false);
  };

  const add = (f: FragmentVersion) => {
    if (chosen.some((c) => c.fragment.id === f.id)) return;
    setChosen([...chosen, { fragment: f, params: Object.fromEntries(parametersOf(f).map(([name, spec]) => [name, spec.default ?? ''])) }]);
  };
  const setParam = (i: number, name: string, value: string) => setChosen(chosen.map((c, j) => (j === i ? { ...c, params: { ...c.params, [name]: value } } : c)));
  return (
    <section>
      <h1>Compose a policy</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Policy id <input name="policy-id" value={id} onChange={(e) => setId(e.target.value)} placeholder="pay-reports" />
        </label>
        <label>
          Team <input name="team" value={team} onChange={(e) => setTeam(e.target.value)} readOnly={me.role === 'delegated-admin'} />
        </label>
        <label>
          Boundary
          <LoadView load={boundaries}>
            {(items) => (
              <select name="boundary" value={boundary} onChange={(e) => setBoundary(e.target.value)}>
                <option value="">{items.length === 0 ? 'no boundary for this team' : 'choose…'}</option>
                {items.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.id} v{b.version} ({b.team === null ? 'no team' : `team ${b.team}`})
                  </option>
                ))}
              </select>
            )}
          </LoadView>
        </label>
      </form>

      <h2>Fragments</h2>
      <FragmentPicker onAdd={add} chosen={new Set(chosen.map((c) => c.fragment.id))} />
      {chosen.length === 0 ? (
        <p className="muted">No fragment chosen yet.</p>
      ) : (
        <ul className="chosen" data-testid="chosen">
          {chosen.map((c, i) => (
            <li key={c.fragment.id}>
              <strong>
                {c.fragment.id}@{c.fragment.version}
              </strong>{' '}
              {c.fragment.content.title}{' '}
              <button type="button" onClick={() => setChosen(chosen.filter((_, j) => j !== i))}>
                Remove
              </button>
              {parametersOf(c.fragment).map(([name, spec]) => (
                <label key={name} className="param">
                  {name}
                  {spec.enum !== undefined ? (
                    <select name={`param-${c.fragment.id}-${name}`} value={c.params[name] ?? ''} onChange={(e) => setParam(i, name, e.target.value)}>
                      <option value="" />
                      {spec.enum.map((v) => (
                        <option key={v}>{v}</option>
                      ))}
                    </select>
                  ) : (
                    <input name={`param-${c.fragment.id}-${name}`} value={c.params[name] ?? ''} onChange={(e) => setParam(i, name, e.target.value)} placeholder={spec.description ?? spec.pattern ?? ''} title={spec.pattern === undefined ? '' : `must match ${spec.pattern}`} />
                  )}
                </label>
              ))}
            </li>
          ))}
        </ul>
      )}

      <div className="buttons">
        <button type="button" disabled={!ready || busy} onClick={() => void run('preview')}>
          Preview
        </button>
        <button type="button" disabled={busy || current === null || !current.approvable} onClick={() => void run('create')} title={current === null ? 'preview this composition first' : ''}>
          Create draft
        </button>
      </div>
      {problem !== null && <ProblemBox problem={problem} />}
      {preview !== null && current === null && <p className="muted">The composition changed since the preview: preview it again.</p>}
      {current !== null && <PreviewView preview={current} />}
    </section>
  );
}

function FragmentPicker({ onAdd, chosen }: { onAdd: (f: FragmentVersion) => void; chosen: ReadonlySet<string> }) {
  const call = useApi();
  const [text, setText] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const [found] = useLoad(async () => {
    if (query === null) return null;
    const p = new URLSearchParams({ status: 'approved', latestOnly: 'true', limit: '20' });
    if (query !== '') p.set('text', query);
    return (await call<SearchResult>(`/v1/fragments?${p.toString()}`)).data;
  }, query ?? '\u0000');
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery(text.trim());
  };
  return (
    <>
      <form className="filters" onSubmit={search} role="search">
        <label>
          Approved fragments <input name="fragment-text" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="title, description, id" />
        </label>
        <button type="submit">Search</button>
      </form>
      <LoadView load={found}>
        {(r) =>
          r === null ? null : r.items.length === 0 ? (
            <p className="muted">No approved fragment matches.</p>
          ) : (
            <ul className="found" data-testid="found">
              {r.items.map((f) => (
                <li key={`${f.id}@${f.version}`}>
                  {f.id}@{f.version} — {f.content.title}{' '}
                  <button type="button" disabled={chosen.has(f.id)} onClick={() => onAdd(f)}>
                    Add
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </LoadView>
    </>
  );
}

function PreviewView({ preview }: { preview: Preview }) {
  return (
    <div data-testid="preview">
      <h2>{preview.approvable ? 'Approvable' : 'Refused'}</h2>
      <dl className="facts">
        <dt>Containment</dt>
        <dd>{preview.verdict.containment ?? 'not proven'}</dd>
        <dt>Proven within</dt>
        <dd>{provenWithin(preview.verdict.delegator)}</dd>
        <dt>Findings</dt>
        <dd>{preview.verdict.findings?.length ?? 0}</dd>
        <dt>Risk</dt>
        <dd>{preview.risk}</dd>
      </dl>
      {preview.errors.length > 0 && (
        <ul className="problem-errors" data-testid="preview-errors">
          {preview.errors.map((e, i) => (
            <li key={i}>{describeError(e)}</li>
          ))}
        </ul>
      )}
      {preview.approvable && (
        <>
          <h3>Effective permissions (within the boundary)</h3>
          <EffectiveView effective={preview.effective} />
          <h3>Documents</h3>
          <pre className="json">{JSON.stringify(preview.documents, null, 2)}</pre>
        </>
      )}
    </div>
  );
}

/** A synthesis diagnostic, with the counterexample request when the proof failed. */
function describeError(e: unknown): string {
  const d = e as { code?: string; message?: string; help?: string; counterexample?: { action?: string; resource?: string } };
  const cx = d.counterexample === undefined ? '' : ` — for example ${d.counterexample.action ?? ''} on ${d.counterexample.resource ?? ''}`;
  return `${d.code ?? 'error'}: ${d.message ?? JSON.stringify(e)}${cx}${d.help === undefined ? '' : ` (${d.help})`}`;
}
