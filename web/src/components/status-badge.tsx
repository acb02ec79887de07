/** A fragment status or a decision as a coloured label (colours in styles.css by class). */
export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${value.toLowerCase()}`}>{value}</span>;
}
