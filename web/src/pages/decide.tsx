/**
 * Decide: paste a decision scenario (design.md's scenario file: `request` and `policies`) and ask
 * `POST /v1/authorize`. Shows the decision, its summary, the statements that decided it and the
 * context keys a condition needed but the request lacked.
 */
import { useState, type FormEvent } from 'react';
import { ApiProblem } from '../api';
import { ProblemBox } from '../components/problem-box';
import { Badge } from '../components/status-badge';
import type { Decision } from '../types';
import { asProblem, useApi } from '../use-api';

const EXAMPLE = JSON.stringify(
  {
    request: {
      principal: 'arn:aws:iam::111122223333:user/alice',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports/2026/q3.csv',
      context: { 'aws:SourceIp': '10.1.2.3' },
    },
    policies: {
      identity: [
        {
          Version: '2012-10-17',
          Statement: [{ Sid: 'ReadReports', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
        },
      ],
    },
  },
  null,
  2,
);

/** The body the API takes: a scenario file may carry more (a name, expectations), which is left out. */
function scenarioBody(text: string): { request: unknown; policies: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ApiProblem({ title: 'Not JSON', status: 0, detail: `the scenario is not valid JSON: ${(e as Error).message}` });
  }
  const s = parsed as { request?: unknown; policies?: unknown } | null;
  if (typeof s !== 'object' || s === null || s.request === undefined || s.policies === undefined) {
    throw new ApiProblem({ title: 'Not a scenario', status: 0, detail: 'a scenario is an object with `request` and `policies`' });
  }
  return { request: s.request, policies: s.policies };
}

export function Decide() {
  const call = useApi();
  const [text, setText] = useState(EXAMPLE);
  const [busy, setBusy] = useState(false);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setDecision(null);
    try {
      setDecision((await call<Decision>('/v1/authorize', { method: 'POST', body: scenarioBody(text) })).data);
    } catch (err) {
      setProblem(asProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Decide</h1>
      <form onSubmit={submit} className="decide">
        <label htmlFor="scenario">Scenario (JSON with `request` and `policies`)</label>
        <textarea id="scenario" rows={18} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={busy}>
          {busy ? 'Deciding…' : 'Decide'}
        </button>
      </form>
      {problem !== null && <ProblemBox problem={problem} />}
      {decision !== null && <DecisionView d={decision} />}
    </section>
  );
}

function DecisionView({ d }: { d: Decision }) {
  return (
    <div className="decision" data-testid="decision">
      <h2>
        <Badge value={d.decision} />
      </h2>
      <p>{d.summary}</p>
      {d.implicitDeny !== undefined && (
        <p>
          Implicit deny in <code>{d.implicitDeny.policyType}</code>
          {d.implicitDeny.level !== undefined ? ` (level ${d.implicitDeny.level})` : ''}: {d.implicitDeny.reason}
        </p>
      )}
      <h3>Deciding statements</h3>
      {d.decidingStatements.length === 0 ? (
        <p className="muted">None: no statement matched.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Policy</th>
              <th>Statement</th>
              <th>Effect</th>
              <th>Line</th>
            </tr>
          </thead>
          <tbody>
            {d.decidingStatements.map((s, i) => (
              <tr key={i}>
                <td>{s.policyName}</td>
                <td>{s.sid ?? `#${s.statementIndex}`}</td>
                <td>{s.effect}</td>
                <td>{s.location?.line ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Missing context keys</h3>
      {d.missingContextKeys.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {d.missingContextKeys.map((k) => (
            <li key={k}>
              <code>{k}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
