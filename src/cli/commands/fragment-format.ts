/** Human output of fragment versions. */
import { formatRef, type FragmentVersion } from '../../fragments/index.js';

export function formatVersionRow(v: FragmentVersion): string {
  return `${formatRef(v).padEnd(40)} ${v.status.padEnd(10)} risk ${String(v.content.risk).padStart(3)}  ${v.content.resourceType.padEnd(24)} ${v.content.title}`;
}

export function formatFragment(v: FragmentVersion, versions: readonly FragmentVersion[]): string {
  const c = v.content;
  const lines = [
    `${formatRef(v)}  ${c.title}`,
    `  status      ${v.status}${v.status === 'deprecated' ? ' (usable where pinned, with a warning)' : ''}`,
    `  hash        ${v.hash}`,
    `  created     ${v.createdAt} by ${v.createdBy}`,
    `  owner       ${c.owner}`,
    `  resource    ${c.resourceType}`,
    `  risk        ${c.risk}`,
    `  tags        ${c.tags.join(', ') || '(none)'}`,
    `  actions     ${v.actions.join(', ')}`,
    '',
    ...wrap(c.description, 76).map((l) => `  ${l}`),
    '',
    'Parameters:',
    ...Object.entries(c.parameters).map(([name, p]) => {
      const constraint = p.enum !== undefined ? `one of ${p.enum.join(', ')}` : p.pattern !== undefined ? `matches ${p.pattern}` : 'any value';
      return `  ${name.padEnd(20)} ${constraint}${p.default !== undefined ? ` (default ${p.default})` : ''}${p.description !== undefined ? `\n  ${''.padEnd(20)} ${p.description}` : ''}`;
    }),
    ...(c.requiredConditions.length > 0 ? ['', 'Required conditions:', ...c.requiredConditions.map((r) => `  ${r.name.padEnd(20)} ${r.operator} ${r.key}${r.values ? ` = ${r.values.join(', ')}` : ''}`)] : []),
    '',
    'Signature:',
    `  provides          ${c.signature.provides.join(', ') || '—'}`,
    `  requires          ${c.signature.requires.join(', ') || '—'}`,
    `  conflicts with    ${c.signature.conflictsWith.join(', ') || '—'}`,
    `  exclusive group   ${c.signature.exclusiveGroup ?? '—'}`,
    `  risk budget       ${c.signature.riskBudget}`,
    '',
    'Statements:',
    ...JSON.stringify(c.statements, null, 2).split('\n').map((l) => `  ${l}`),
    '',
    'History:',
    ...(v.history.length === 0 ? ['  (no status changes)'] : v.history.map((h) => `  ${h.at}  ${h.from} → ${h.to}  by ${h.by}${h.comment !== undefined ? `: ${h.comment}` : ''}`)),
    '',
    `Versions: ${versions.map((x) => `${x.version} (${x.status})`).join(', ')}`,
  ];
  return lines.join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}
