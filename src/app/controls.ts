/**
 * Loads the security control catalog from disk: controls.yaml parsed and checked by
 * src/controls, then every profile file read. A declared file that is missing, a file under
 * profiles/ that no profile declares, and a placeholder the renderer does not know are all
 * errors, so the catalog and its files cannot drift apart.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PackageFacts, parsePackageFacts } from '../catalog/index.js';
import { findPlaceholders, parseControlCatalog, placeholderProblem, type ControlCatalog } from '../controls/index.js';
import { hasErrors, type IntelDiagnostic, type Parsed } from '../intel/index.js';

/** The repository's catalog: data/security-controls beside src/ (or dist/). */
export const CONTROLS_DIR = join(import.meta.dirname, '..', '..', 'data', 'security-controls');

/** Package facts (setuid/setgid files per .deb) generated for the catalog's closures: data/package-facts. */
export const PACKAGE_FACTS_DIR = join(import.meta.dirname, '..', '..', 'data', 'package-facts');

/** The facts file plans use by default for a release and architecture. */
export const defaultPackageFactsFile = (release: string, architecture = 'amd64'): string => join(PACKAGE_FACTS_DIR, `${release}-${architecture}.json`);

/** Reads a package facts file; a missing or malformed file is a list of problems, never a partial table. */
export async function loadPackageFacts(path: string): Promise<{ ok: true; facts: PackageFacts } | { ok: false; problems: readonly string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, problems: [`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`] };
  }
  const parsed = parsePackageFacts(text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((p) => `${path}: ${p.message}`) };
  return { ok: true, facts: new PackageFacts(parsed.value) };
}

export interface LoadedControlCatalog {
  readonly catalog: ControlCatalog;
  /** The directory the catalog was read from. */
  readonly dir: string;
  /** Profile file contents by `<control-id>/<source>` (the path under profiles/). */
  readonly files: ReadonlyMap<string, string>;
}

/** Every regular file under `dir`, as paths relative to it with `/` separators; symlinks are reported. */
async function walk(dir: string, root: string, out: string[], odd: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    const rel = relative(root, path).split(sep).join('/');
    if (e.isDirectory()) await walk(path, root, out, odd);
    else if (e.isFile()) out.push(rel);
    else odd.push(rel);
  }
}

function error(code: string, path: string, message: string, help: string): IntelDiagnostic {
  return { code, severity: 'error', path, message: `${path}: ${message}`, help };
}

/** Reads `<dir>/controls.yaml` and every profile file it declares. */
export async function loadControlCatalog(dir: string = CONTROLS_DIR): Promise<Parsed<LoadedControlCatalog>> {
  const parsed = parseControlCatalog(await readFile(join(dir, 'controls.yaml'), 'utf8'));
  if (!parsed.ok) return parsed;
  const catalog = parsed.value;
  const diagnostics: IntelDiagnostic[] = [...parsed.diagnostics];
  const profilesDir = join(dir, 'profiles');
  const files = new Map<string, string>();
  const declared = new Set<string>();

  for (const [i, control] of catalog.controls.entries()) {
    for (const profile of control.profiles) {
      for (const [j, file] of profile.files.entries()) {
        const key = `${control.id}/${file.source}`;
        const at = `$.controls[${i}].profiles.${profile.name}.files[${j}].source`;
        declared.add(key);
        if (files.has(key)) continue;
        const path = join(profilesDir, control.id, file.source);
        const stat = await lstat(path).catch(() => undefined);
        if (stat === undefined) {
          diagnostics.push(error('controls/missing-file', at, `profiles/${key} does not exist`, `create the file, or correct \`source\` (relative to profiles/${control.id}/)`));
          continue;
        }
        if (!stat.isFile()) {
          diagnostics.push(error('controls/not-a-file', at, `profiles/${key} is not a regular file`, 'profile files are plain files (no directories or symbolic links)'));
          continue;
        }
        const text = await readFile(path, 'utf8');
        files.set(key, text);
        for (const use of findPlaceholders(text)) {
          const problem = placeholderProblem(use);
          if (problem !== undefined) diagnostics.push(error('controls/unknown-placeholder', `profiles/${key}:${use.line}`, problem, 'use a placeholder listed in data/security-controls/README.md, "Placeholders"'));
        }
      }
    }
  }

  const present: string[] = [];
  const odd: string[] = [];
  await walk(profilesDir, profilesDir, present, odd);
  for (const rel of odd) diagnostics.push(error('controls/not-a-file', `profiles/${rel}`, 'is not a regular file or directory', 'keep only plain files under profiles/'));
  for (const rel of present) {
    if (!declared.has(rel)) diagnostics.push(error('controls/undeclared-file', `profiles/${rel}`, 'no profile in controls.yaml declares this file', 'declare it in a profile\'s files, or delete it'));
  }

  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, value: { catalog, dir, files }, diagnostics };
}
