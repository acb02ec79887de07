/** Small package universes for the resolver's tests, written as Packages stanzas. */
import { PackageUniverse, parsePackages } from '../../catalog/index.js';

/** `stanzas` in deb822 form; Architecture defaults to amd64, Version to 1. */
export function universeOf(stanzas: readonly string[], extraSources: readonly { name: string; priority: number; stanzas: readonly string[] }[] = []): PackageUniverse {
  const parse = (list: readonly string[]) => {
    const text = list.map((s) => {
      const lines = s.trim().split('\n').map((l) => l.trim());
      if (!lines.some((l) => l.startsWith('Version:'))) lines.push('Version: 1');
      if (!lines.some((l) => l.startsWith('Architecture:'))) lines.push('Architecture: amd64');
      return lines.join('\n');
    }).join('\n\n');
    const { packages, problems } = parsePackages(text);
    if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
    return packages;
  };
  return new PackageUniverse([{ name: 'main', priority: 500, packages: parse(stanzas) }, ...extraSources.map((s) => ({ name: s.name, priority: s.priority, packages: parse(s.stanzas) }))]);
}
