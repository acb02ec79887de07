/**
 * Fragment search: text, tags, resource type and status, a page at a time. The filters live in the
 * URL's query string, so back/forward, reload and a shared link all show the same page of results.
 */
import { useState, type FormEvent } from 'react';
import { Badge } from '../components/status-badge';
import { LoadView } from '../components/load-view';
import { Link, navigate } from '../router';
import { STATUSES, type SearchResult } from '../types';
import { useApi, useLoad } from '../use-api';

const PAGE = 20;

interface Filters {
  text: string;
  tags: string;
  resourceType: string;
  status: string;
}

function filtersOf(query: URLSearchParams): Filters {
  return { text: query.get('text') ?? '', tags: query.getAll('tag').join(', '), resourceType: query.get('resourceType') ?? '', status: query.get('status') ?? '' };
}

/** The UI's own URL for filters and an offset; the API query is built from the same parameters. */
function searchParams(f: Filters, offset: number): URLSearchParams {
  const p = new URLSearchParams();
  if (f.text.trim() !== '') p.set('text', f.text.trim());
  for (const tag of f.tags.split(',').map((t) => t.trim()).filter((t) => t !== '')) p.append('tag', tag);
  if (f.resourceType.trim() !== '') p.set('resourceType', f.resourceType.trim());
  if (f.status !== '') p.set('status', f.status);
  if (offset > 0) p.set('offset', String(offset));
  return p;
}

export function FragmentSearch({ query }: { query: URLSearchParams }) {
  const call = useApi();
  const applied = filtersOf(query);
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [form, setForm] = useState<Filters>(applied);
  const api = searchParams(applied, offset);
  api.set('limit', String(PAGE));
  const [load, reload] = useLoad(async () => (await call<SearchResult>(`/v1/fragments?${api.toString()}`)).data, api.toString());

  const go = (f: Filters, at: number) => {
    const p = searchParams(f, at).toString();
    navigate(`/fragments${p === '' ? '' : `?${p}`}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(form, 0);
  };
  const field = (k: keyof Filters) => ({ value: form[k], onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }) });

  return (
    <section>
      <h1>Fragments</h1>
      <form className="filters" onSubmit={submit} role="search">
        <label>
          Text <input name="text" type="search" placeholder="title, description, id" {...field('text')} />
        </label>
        <label>
          Tags <input name="tags" placeholder="s3, read" {...field('tags')} />
        </label>
        <label>
          Resource type <input name="resourceType" placeholder="s3:object" {...field('resourceType')} />
        </label>
        <label>
          Status
          <select name="status" {...field('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <LoadView load={load} onReload={reload}>
        {(r) => (
          <>
            <p className="muted" data-testid="result-count">
              {r.total === 0 ? 'No fragments match.' : `${r.offset + 1}–${r.offset + r.items.length} of ${r.total}`}
            </p>
            {r.items.length > 0 && (
              <table className="results">
                <thead>
                  <tr>
                    <th>Fragment</th>
                    <th>Title</th>
                    <th>Status</th>
                    <th>Owner</th>
                    <th>Resource type</th>
                    <th>Tags</th>
                    <th>Risk</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((f) => (
                    <tr key={`${f.id}@${f.version}`}>
                      <td>
                        <Link to={`/fragments/${encodeURIComponent(f.id)}/versions/${f.version}`}>
                          {f.id}@{f.version}
                        </Link>
                      </td>
                      <td>{f.content.title}</td>
                      <td>
                        <Badge value={f.status} />
                      </td>
                      <td>{f.content.owner}</td>
                      <td>{f.content.resourceType}</td>
                      <td>{f.content.tags.join(', ')}</td>
                      <td>{f.content.risk}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="pager">
              <button type="button" disabled={r.offset === 0} onClick={() => go(applied, Math.max(0, r.offset - PAGE))}>
                Previous
              </button>
              <button type="button" disabled={r.next === null} onClick={() => go(applied, r.offset + PAGE)}>
                Next
              </button>
            </div>
          </>
        )}
      </LoadView>
    </section>
  );
}
