/** The three states of a load: a spinner line, the problem, or the content. */
import type { ReactNode } from 'react';
import type { Load } from '../use-api';
import { ProblemBox } from './problem-box';

export function LoadView<T>({ load, onReload, children }: { load: Load<T>; onReload?: () => void; children: (value: T) => ReactNode }) {
  if (load.state === 'loading') return <p className="muted">Loading…</p>;
  if (load.state === 'failed') return <ProblemBox problem={load.problem} onReload={onReload} />;
  return <>{children(load.value)}</>;
}
