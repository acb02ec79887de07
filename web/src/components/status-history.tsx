/** A fragment's or a policy version's status changes, oldest first, as a table. */
export interface HistoryEntry {
  from: string;
  to: string;
  at: string;
  by: string;
  comment?: string;
}

export function StatusHistory({ history }: { history: readonly HistoryEntry[] }) {
  if (history.length === 0) return <p className="muted">No status changes yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>When</th>
          <th>Change</th>
          <th>By</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {history.map((c, i) => (
          <tr key={i}>
            <td>{c.at}</td>
            <td>
              {c.from} → {c.to}
            </td>
            <td>{c.by}</td>
            <td>{c.comment ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
