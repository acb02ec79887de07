/**
 * JSON for image metadata with one spelling per value: object keys sorted (by UTF-16 code unit, as
 * `Array.prototype.sort` does), no whitespace, `undefined` members left out. The bytes — and so the
 * config and manifest digests — depend only on the values, never on how an object was built.
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const members = Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
  return JSON.stringify(value);
}
