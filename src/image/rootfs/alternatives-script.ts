/**
 * The `update-alternatives --install` calls of a maintainer script, read statically (pure: text
 * in, calls out; no shell runs). Scripts are not evaluated: the builder takes every literal
 * install call as what `postinst configure` does on a fresh system, where each call registers a
 * choice and dpkg then picks the best one (`alternatives.ts`).
 *
 * The reader knows enough POSIX sh to find words: `\`-newline continuations, single and double
 * quotes, backslash escapes, comments, and the operators that end a command (`;`, `&&`, `||`,
 * `|`, `&`, `(`, `)`, newline). A call whose words hold an expansion (`$x`, `${x}`, `$(...)`,
 * backquotes) or a glob is skipped with a reason: the builder never guesses a value. So is a call
 * with an option this reader does not know, since it could change what the call means.
 */

export interface AlternativeLink {
  /** The link, as written (absolute, e.g. `/usr/bin/awk`). */
  readonly link: string;
  /** The alternative's name (`/etc/alternatives/<name>`). */
  readonly name: string;
  /** The file this choice provides (absolute). */
  readonly path: string;
}

export interface AlternativeInstall extends AlternativeLink {
  readonly priority: number;
  /** `--slave LINK NAME PATH`, in the order given. */
  readonly slaves: readonly AlternativeLink[];
}

export interface SkippedCall {
  /** The 1-based line where the call starts. */
  readonly line: number;
  readonly reason: string;
  /** The call's words as written (quotes removed where they could be). */
  readonly text: string;
}

export interface ExtractedAlternatives {
  readonly installs: readonly AlternativeInstall[];
  readonly skipped: readonly SkippedCall[];
}

interface Word {
  /** The word with quotes removed. */
  readonly value: string;
  /** Holds an expansion or an unquoted glob: its value is not known without running the shell. */
  readonly dynamic: boolean;
}

type Token = { readonly kind: 'word'; readonly word: Word; readonly line: number } | { readonly kind: 'end' };

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')', '\n']);
const BLANKS = new Set([' ', '\t', '\r']);
/** Words that may precede a command without changing which command runs. */
const PREFIXES = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'command', 'exec']);
/** Options that take no argument and do not change what `--install` registers. */
const FLAG_OPTIONS = new Set(['--quiet', '--verbose', '--debug', '--force']);
/** Options with one argument that do not change what `--install` registers in the image's admindir. */
const VALUE_OPTIONS = new Set(['--log']);

/** Splits a script into words and command ends, as sh would before expansion. */
function tokenize(script: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = script.length;
  while (i < n) {
    const c = script[i] as string;
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      line++;
      continue;
    }
    if (BLANKS.has(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      if (c === '\n') line++;
      out.push({ kind: 'end' });
      i++;
      continue;
    }
    // A word: runs until an unquoted blank or operator.
    const start = line;
    let value = '';
    let dynamic = false;
    while (i < n) {
      const d = script[i] as string;
      if (BLANKS.has(d) || OPERATOR_CHARS.has(d)) break;
      if (d === '\\') {
        if (script[i + 1] === '\n') {
          i += 2;
          line++;
          continue;
        }
        value += script[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (d === "'") {
        const end = script.indexOf("'", i + 1);
        const body = end < 0 ? script.slice(i + 1) : script.slice(i + 1, end);
        value += body;
        line += body.split('\n').length - 1;
        i = end < 0 ? n : end + 1;
        continue;
      }
      if (d === '"') {
        i++;
        while (i < n && script[i] !== '"') {
          const e = script[i] as string;
          if (e === '\\' && i + 1 < n && '$`"\\\n'.includes(script[i + 1] as string)) {
            if (script[i + 1] === '\n') line++;
            else value += script[i + 1];
            i += 2;
            continue;
          }
          if (e === '$' || e === '`') dynamic = true;
          if (e === '\n') line++;
          value += e;
          i++;
        }
        i++;
        continue;
      }
      if (d === '$' && script[i + 1] === '(') {
        // A command substitution is one word whatever it holds: `$(a | b)` does not end the command.
        let depth = 0;
        const from = i;
        for (; i < n; i++) {
          if (script[i] === '(') depth++;
          else if (script[i] === ')' && --depth === 0) break;
          else if (script[i] === '\n') line++;
        }
        value += script.slice(from, i + 1);
        dynamic = true;
        i++;
        continue;
      }
      if (d === '$' || d === '`' || d === '*' || d === '?' || d === '[' || (d === '~' && value === '')) dynamic = true;
      value += d;
      i++;
    }
    out.push({ kind: 'word', word: { value, dynamic }, line: start });
  }
  return out;
}

/** The simple commands of a script: their words and first line. */
function commands(script: string): { words: Word[]; line: number }[] {
  const out: { words: Word[]; line: number }[] = [];
  let words: Word[] = [];
  let line = 0;
  for (const t of tokenize(script)) {
    if (t.kind === 'end') {
      if (words.length > 0) out.push({ words, line });
      words = [];
      continue;
    }
    if (words.length === 0) line = t.line;
    words.push(t.word);
  }
  if (words.length > 0) out.push({ words, line });
  return out;
}

const isAbsolute = (p: string) => p.startsWith('/') && !p.includes('\0');
const isName = (s: string) => s !== '' && s !== '.' && s !== '..' && !s.includes('/') && !/\s/.test(s);

/** Reads the arguments after `update-alternatives`; null with a reason when the call is not a literal `--install`. */
function readInstall(args: readonly Word[]): { install: AlternativeInstall | null; reason?: string } {
  const dynamic = args.find((w) => w.dynamic);
  if (dynamic !== undefined) return { install: null, reason: `\`${dynamic.value}\` needs the shell to expand it` };
  const v = args.map((w) => w.value);
  let install: Omit<AlternativeInstall, 'slaves'> | null = null;
  const slaves: AlternativeLink[] = [];
  let other: string | null = null;
  for (let i = 0; i < v.length; i++) {
    const a = v[i] as string;
    if (FLAG_OPTIONS.has(a)) continue;
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a === '--install') {
      if (install !== null) return { install: null, reason: '`--install` is given twice' };
      const [link, name, path, priority] = v.slice(i + 1, i + 5);
      if (priority === undefined) return { install: null, reason: '`--install` needs LINK NAME PATH PRIORITY' };
      if (!/^-?[0-9]{1,9}$/.test(priority)) return { install: null, reason: `priority \`${priority}\` is not an integer` };
      install = { link: link as string, name: name as string, path: path as string, priority: Number(priority) };
      i += 4;
      continue;
    }
    if (a === '--slave') {
      const [link, name, path] = v.slice(i + 1, i + 4);
      if (path === undefined) return { install: null, reason: '`--slave` needs LINK NAME PATH' };
      slaves.push({ link: link as string, name: name as string, path: path as string });
      i += 3;
      continue;
    }
    other ??= a;
  }
  if (install === null) return { install: null };
  if (other !== null) return { install: null, reason: `\`${other}\` is not an option this reader knows to leave the install unchanged` };
  for (const l of [install, ...slaves]) {
    if (!isAbsolute(l.link) || !isAbsolute(l.path)) return { install: null, reason: `\`${l.link}\` and \`${l.path}\` must be absolute paths` };
    if (!isName(l.name)) return { install: null, reason: `\`${l.name}\` is not an alternative name` };
  }
  return { install: { ...install, slaves } };
}

/** Every literal `update-alternatives --install` of `script`, and the calls that could not be read. */
export function extractAlternatives(script: string): ExtractedAlternatives {
  const installs: AlternativeInstall[] = [];
  const skipped: SkippedCall[] = [];
  for (const { words, line } of commands(script)) {
    let at = 0;
    while (at < words.length && PREFIXES.has((words[at] as Word).value) && !(words[at] as Word).dynamic) at++;
    // Assignments before a command (`LC_ALL=C update-alternatives ...`) do not change the call.
    while (at < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test((words[at] as Word).value)) at++;
    const head = words[at];
    const text = words.map((w) => w.value).join(' ');
    // `x=$(update-alternatives --install ...)`: a call inside a substitution is not read.
    if (words.some((w) => w.dynamic && /update-alternatives[^]*--install/.test(w.value))) {
      skipped.push({ line, reason: 'the call is inside a command substitution', text });
      continue;
    }
    if (head === undefined || head.value.split('/').pop() !== 'update-alternatives') continue;
    if (head.dynamic) {
      skipped.push({ line, reason: `\`${head.value}\` needs the shell to expand it`, text });
      continue;
    }
    const r = readInstall(words.slice(at + 1));
    if (r.install !== null) installs.push(r.install);
    else if (r.reason !== undefined && words.some((w) => w.value === '--install')) skipped.push({ line, reason: r.reason, text });
  }
  return { installs, skipped };
}
