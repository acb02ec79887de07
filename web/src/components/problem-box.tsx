/**
 * An API problem shown as the server wrote it: its title, its detail and, for invalid input, each
 * diagnostic. A 412 says the version changed since it was loaded; `onReload` offers to fetch it again.
 */
import type { ApiProblem } from '../api';

function errorText(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const d = e as { message?: unknown; code?: unknown; help?: unknown; instancePath?: unknown };
    if (typeof d.message === 'string') {
      const where = typeof d.instancePath === 'string' && d.instancePath !== '' ? `${d.instancePath}: ` : '';
      const code = typeof d.code === 'string' ? ` (${d.code})` : '';
      const help = typeof d.help === 'string' && d.help !== '' ? ` — ${d.help}` : '';
      return `${where}${d.message}${code}${help}`;
    }
  }
  return JSON.stringify(e);
}

export function ProblemBox({ problem, onReload }: { problem: ApiProblem; onReload?: () => void }) {
  const p = problem.problem;
  return (
    <div className="problem" role="alert">
      <strong className="problem-title">
        {p.status > 0 ? `${p.status} ` : ''}
        {p.title}
      </strong>
      <p className="problem-detail">{p.detail}</p>
      {p.status === 412 && <p>Someone changed this version since you loaded it. Reload to see its current status, then decide again.</p>}
      {p.errors !== undefined && p.errors.length > 0 && (
        <ul className="problem-errors">
          {p.errors.map((e, i) => (
            <li key={i}>{errorText(e)}</li>
          ))}
        </ul>
      )}
      {p.code !== undefined && <p className="muted">code: {p.code}</p>}
      {onReload !== undefined && (
        <button type="button" onClick={onReload}>
          Reload
        </button>
      )}
    </div>
  );
}
