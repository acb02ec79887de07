/**
 * Sign-in: the user pastes an API token (`tessera serve` prints the first one; `POST /v1/tokens`
 * makes more). It is checked with `GET /v1/whoami` before it is kept.
 */
import { useState, type FormEvent } from 'react';
import { apiCall, type ApiProblem } from '../api';
import { ProblemBox } from '../components/problem-box';
import type { WhoAmI } from '../types';
import { asProblem } from '../use-api';

export function SignIn({ onSignedIn }: { onSignedIn: (token: string, me: WhoAmI) => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim();
    if (t === '') return;
    setBusy(true);
    setProblem(null);
    try {
      const { data } = await apiCall<WhoAmI>(t, '/v1/whoami');
      onSignedIn(t, data);
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Tessera</h1>
      <p>Sign in with an API token. It is kept in this tab only and forgotten when the tab closes.</p>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" spellCheck={false} placeholder="tk_…" value={token} onChange={(e) => setToken(e.target.value)} />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {problem !== null && <ProblemBox problem={problem} />}
    </main>
  );
}
