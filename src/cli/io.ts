import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PolicyInput } from '../lint.js';
import { documentKind } from '../policy/schema.js';
import { parseSource } from '../policy/source.js';
import { errnoText } from '../util/errno.js';
import { terminalText } from '../util/terminal-text.js';

/**
 * A mistake in how the tool was called, input it cannot read or output it cannot write: exit 2
 * with a plain message (one line per problem when there are several).
 */
export class UsageError extends Error {
  readonly lines: readonly string[];
  constructor(message: string | readonly string[]) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'));
    this.lines = lines;
  }
}

/**
 * Prints a message on stderr, each line prefixed with the program name; never a stack trace. The
 * lines quote paths, arguments and what servers said: rendered with terminalText, none can add a
 * line of its own or control the terminal.
 */
export function reportFatal(message: string | readonly string[]): void {
  const lines = typeof message === 'string' ? [message] : message;
  process.stderr.write(lines.map((l) => `succession: ${terminalText(l)}\n`).join(''));
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Expands command-line paths into policy inputs: a directory is walked recursively for
 * `*.yaml` / `*.yml` files; a path with `*`, `?` or `[` is a glob; `-` reads standard input.
 * A path that matches nothing is a usage error (a typo must not make CI pass on zero files).
 */
export function readInputs(paths: readonly string[], stdinName = '<stdin>'): PolicyInput[] {
  const files = new Set<string>();
  const inputs: PolicyInput[] = [];
  for (const p of paths) {
    if (p === '-') {
      inputs.push({ path: stdinName, text: readStdin() });
      continue;
    }
    const matched = /[*?[]/.test(p) ? expandGlob(p) : expandPath(p);
    if (matched.length === 0) throw new UsageError(`no policy files found at "${p}"`);
    for (const m of matched) files.add(m);
  }
  for (const f of [...files].sort()) inputs.push({ path: f, text: readText(f) });
  return inputs;
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read standard input: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${errnoText(e)}`);
  }
}


function expandPath(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    throw new UsageError(`cannot read ${p}: ${errnoText(e)}`);
  }
  if (st.isFile()) return [p];
  if (!st.isDirectory()) return [];
  return walkDir(p).filter((f) => YAML_FILE.test(f));
}

function walkDir(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new UsageError(`cannot read ${dir}: ${errnoText(e)}`);
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...walkDir(full));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/**
 * Minimal glob: `*` and `?` within a path segment, `**` across segments, `[abc]` classes.
 * The walk starts at the longest literal prefix directory.
 */
function expandGlob(pattern: string): string[] {
  const normalized = pattern.split(sep).join('/').replace(/^\.\//, '');
  const segments = normalized.split('/');
  const firstMagic = segments.findIndex((s) => /[*?[]/.test(s));
  const base = segments.slice(0, firstMagic).join('/') || '.';
  const re = globToRegExp(normalized);
  let candidates: string[];
  try {
    candidates = statSync(base).isDirectory() ? walkDir(base) : [];
  } catch {
    return [];
  }
  return candidates.filter((f) => re.test(f.split(sep).join('/')));
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Writes to stdout and resolves once the text is written. Output that cannot be written (a full
 * disk, a reader that closed the pipe) is a UsageError: exit 2 with one line on stderr, never the
 * exit code of the findings, which the reader did not get.
 */
export async function writeOut(text: string): Promise<void> {
  if (text === '') return;
  try {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
  } catch (e) {
    throw new UsageError(`cannot write standard output: ${errnoText(e)}`);
  }
}

// why: a failed write is also emitted as 'error'; writeOut's callback reports it, this listener
// only keeps it from becoming an uncaught exception with a stack trace.
process.stdout.on('error', () => {});

const FLEET_NAMES = ['fleet.yaml', 'fleet.yml'];

/**
 * Adds the fleet file when the inputs hold none: `--fleet FILE` when given, else the nearest
 * `fleet.yaml` / `fleet.yml` in the first input's directory or above it (up to the repository
 * root, the directory holding `.git`). Linting one cluster file then sees the same defaults and
 * deployments as linting the whole repository.
 */
export function withFleet(inputs: PolicyInput[], explicit: string | undefined, startDir: string): PolicyInput[] {
  if (explicit !== undefined) {
    return inputs.some((i) => i.path === explicit) ? inputs : [...inputs, { path: explicit, text: readText(explicit) }];
  }
  if (inputs.some((i) => i.text.includes('fleet') && documentKind(parseSource(i.path, i.text).data) === 'fleet')) return inputs;
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    for (const name of FLEET_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) {
        const path = relativeIfInside(candidate);
        return inputs.some((i) => resolve(i.path) === resolve(candidate)) ? inputs : [...inputs, { path, text: readText(candidate) }];
      }
    }
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return inputs;
  }
}

function relativeIfInside(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** Where the fleet lookup starts for a command-line path: the path itself when it is a directory. */
export function startDirOf(path: string): string {
  const literal = path.split('/').findIndex((s) => /[*?[]/.test(s));
  const base = literal < 0 ? path : path.split('/').slice(0, literal).join('/') || '.';
  try {
    return statSync(base).isDirectory() ? base : dirname(base);
  } catch {
    return dirname(base);
  }
}
