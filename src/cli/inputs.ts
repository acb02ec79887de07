/** Reading the CLI's inputs (files or stdin, policy files, `key=value` options, actors) and writing its outputs. */
import { rename, rm, writeFile } from 'node:fs/promises';
import { parseJsonText, type PolicyInput } from '../policy/index.js';
import { InputError, UsageError } from './errors.js';
import type { CliIO } from './io.js';

/** Reads a file or fails with a usage error naming it (`-` is stdin). */
export async function readText(io: CliIO, file: string, what = 'file'): Promise<string> {
  try {
    return await io.readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${what} \`${file}\`: ${(e as Error).message}`);
  }
}

/**
 * A policy file: one policy document, or a JSON array of documents (a principal's policies taken
 * together). Returned as text (one document) or as the parsed documents, so diagnostics can point
 * into the file.
 */
export async function readPolicies(io: CliIO, file: string): Promise<{ text: string; policies: PolicyInput[] }> {
  const text = await readText(io, file, 'policy');
  const parsed = parseJsonText(text);
  if (parsed.ok && parsed.root.kind === 'array') {
    try {
      const docs = JSON.parse(text) as unknown[];
      return { text, policies: docs.map((d) => JSON.stringify(d)) };
    } catch {
      // jsonc-parser accepted it but JSON.parse did not: let the policy parser report it.
    }
  }
  return { text, policies: [text] };
}

/** `a=b` pairs (repeatable option) into a record; a value may contain `=`. Later pairs win. */
export function keyValues(pairs: readonly string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`${option} expects key=value, got \`${p}\``);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A non-negative integer option. */
export function integerOption(name: string): (value: string) => number {
  return (value) => {
    if (!/^[0-9]{1,9}$/.test(value)) throw new UsageError(`${name} expects a non-negative integer, got \`${value}\``);
    return Number(value);
  };
}

/** Who is acting: --by, else TESSERA_USER, else USER. */
export function actorName(io: CliIO, by: string | undefined): string {
  const name = by ?? io.env.TESSERA_USER ?? io.env.USER ?? io.env.LOGNAME;
  if (name === undefined || name.trim() === '') throw new UsageError('who is acting? pass --by NAME (or set TESSERA_USER)');
  return name.trim();
}

/** Prints `{error, diagnostics}` (JSON) or the text, on stderr, and fails with exit 1. */
export function failWith(io: CliIO, json: boolean, error: string, diagnostics: readonly unknown[], text: string): never {
  if (json) io.stderr(JSON.stringify({ error, diagnostics }, null, 2) + '\n');
  else io.stderr(text.endsWith('\n') ? text : text + '\n');
  throw new InputError(error);
}

/** Writes a file whole or not at all: a temporary file beside it, renamed over it. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new UsageError(`cannot write \`${file}\`: ${(e as Error).message}`);
  }
}
