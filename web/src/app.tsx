/**
 * The shell: sign-in until a token is accepted, then the navigation and the screen the path names.
 * A stored token is checked again on load, so a revoked one returns the user to sign-in.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { apiCall } from './api';
import { Audit } from './pages/audit';
import { Decide } from './pages/decide';
import { Deployments } from './pages/deployments';
import { FragmentDetail } from './pages/fragment-detail';
import { FragmentSearch } from './pages/fragment-search';
import { Policies, PolicyDetail } from './pages/policies';
import { PolicyCompose } from './pages/policy-compose';
import { SignIn } from './pages/sign-in';
import { Link, useLocation, type Location } from './router';
import { storedToken, storeToken } from './session';
import type { WhoAmI } from './types';
import { SessionContext, type Session } from './use-api';

const NAV = [
  { to: '/fragments', label: 'Fragments' },
  { to: '/policies', label: 'Policies' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/audit', label: 'Audit' },
  { to: '/decide', label: 'Decide' },
];

function Screen({ location }: { location: Location }) {
  const version = /^\/fragments\/([^/]+)\/versions\/(\d+)$/.exec(location.path);
  if (version !== null) return <FragmentDetail id={decodeURIComponent(version[1] ?? '')} version={Number(version[2])} />;
  const policy = /^\/policies\/([^/]+)\/versions\/(\d+)$/.exec(location.path);
  if (policy !== null) return <PolicyDetail id={decodeURIComponent(policy[1] ?? '')} version={Number(policy[2])} />;
  switch (location.path) {
    case '/':
    case '/fragments':
      return <FragmentSearch key={location.query.toString()} query={location.query} />;
    case '/policies':
      return <Policies />;
    case '/policies/new':
      return <PolicyCompose />;
    case '/deployments':
      return <Deployments />;
    case '/audit':
      return <Audit />;
    case '/decide':
      return <Decide />;
    default:
      return <p>No screen at {location.path}.</p>;
  }
}

export function App() {
  const location = useLocation();
  const [auth, setAuth] = useState<{ token: string; me: WhoAmI } | null>(null);
  const [checking, setChecking] = useState(() => storedToken() !== null);

  const signOut = useCallback(() => {
    storeToken(null);
    setAuth(null);
  }, []);

  useEffect(() => {
    const token = storedToken();
    if (token === null) return;
    apiCall<WhoAmI>(token, '/v1/whoami').then(
      ({ data }) => setAuth({ token, me: data }),
      () => storeToken(null),
    ).finally(() => setChecking(false));
  }, []);

  const session = useMemo<Session | null>(() => (auth === null ? null : { ...auth, signOut }), [auth, signOut]);

  if (checking) return <p className="muted">Checking your session…</p>;
  if (session === null) {
    return (
      <SignIn
        onSignedIn={(token, me) => {
          storeToken(token);
          setAuth({ token, me });
        }}
      />
    );
  }
  const { me } = session;
  return (
    <SessionContext.Provider value={session}>
      <header className="top">
        <span className="brand">Tessera</span>
        <nav>
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} className={location.path.startsWith(n.to) ? 'active' : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <span className="whoami" data-testid="whoami">
          {me.principal} · {me.role}
          {me.team !== null ? ` · team ${me.team}` : ''}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main className="content">
        <Screen location={location} />
      </main>
    </SessionContext.Provider>
  );
}
