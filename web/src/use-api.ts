/**
 * The signed-in session as React context, and a hook that loads data through it. A 401 on any
 * call means the token was revoked or mistyped: the session ends and the sign-in screen returns.
 */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { apiCall, ApiProblem, type ApiReply, type CallOptions } from './api';
import type { WhoAmI } from './types';

export interface Session {
  token: string;
  me: WhoAmI;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside a signed-in screen');
  return s;
}

/** `call(path, options)` with the session's token; signs out on 401. */
export function useApi(): <T>(path: string, options?: CallOptions) => Promise<ApiReply<T>> {
  const { token, signOut } = useSession();
  return useCallback(
    async <T,>(path: string, options?: CallOptions) => {
      try {
        return await apiCall<T>(token, path, options);
      } catch (e) {
        if (e instanceof ApiProblem && e.status === 401) signOut();
        throw e;
      }
    },
    [token, signOut],
  );
}

export type Load<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; problem: ApiProblem };

/** Runs `load` whenever `key` changes (and on `reload`); a late answer to an older key is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string): [Load<T>, () => void] {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => live && setResult({ state: 'done', value }),
      (e: unknown) => live && setResult({ state: 'failed', problem: asProblem(e) }),
    );
    return () => {
      live = false;
    };
    // `load` is a new closure each render; `key` names what it loads, so only `key` reruns it.
  }, [key, round]);
  return [result, useCallback(() => setRound((r) => r + 1), [])];
}

export function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : new ApiProblem({ title: 'Unexpected error', status: 0, detail: e instanceof Error ? e.message : String(e) });
}
