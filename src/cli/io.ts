import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { KnownText, PolicyInput } from '../lint.js';
import { mayBeFleet } from '../policy/fleet-candidate.js';
import { documentKind, isPolicyDocument } from '../policy/schema.js';
import { parseSource } from '../policy/source.js';
import { redactSecrets } from '../topology/http.js';
import { InputError, inputStat, readInputFile, readStdinText } from '../util/input-file.js';
import { errnoText } from '../util/errno.js';
import { terminalText } from '../util/terminal-text.js';
import { UsageError } from './errors.js';
import { expandArgument, globBase, type FoundFile, type Ignored } from './expand.js';

export { UsageError };

/**
 * Prints a message on stderr, each line prefixed with the program name; never a stack trace. The
 * lines quote paths, arguments and what servers said: rendered with terminalText, none can add a
 * line of its own or control the terminal; and redactSecrets is a last guard against credentials,
 * which the sources already leave out of what they report.
 */
export function reportFatal(message: string | readonly string[]): void {
  const lines = typeof message === 'string' ? [message] : message;
  process.stderr.write(lines.map((l) => `succession: ${terminalText(redactSecrets(l))}\n`).join(''));
}

export interface ReadOptions {
  /** The name standard input (`-`) is reported under. */
  stdinName?: string;
  /** The configuration's `ignore`, applied to directory walks and glob matches. */
  ignored?: Ignored | undefined;
  /** Where a path came from when not from the command line (a configuration file's line), for messages. */
  origin?: (path: string) => string | undefined;
  /**
   * The build cache's: record each file's stat (PolicyInput.stat), and take the text of a file
   * whose stat this vouches for as known (PolicyInput.known), to be read only when used.
   */
  vouch?: (path: string, stat: string) => KnownText | undefined;
  /** Told how many files the paths have matched so far, before they are read (see warmWorkers). */
  found?: (files: number) => void;
}

/**
 * Expands command-line paths into policy inputs (files, directories walked for `*.yaml` /
 * `*.yml`, globs; see expandArgument) and reads them; `-` reads standard input. A file found by
 * walking a directory or matching a glob is a policy only when its top-level `kind` is a policy
 * kind (isPolicyDocument): other YAML in the repository is left alone; a file named as it is,
 * is always read. A path that yields no policy file is a usage error (a typo must not make CI
 * pass on zero files). A file reached by several paths (links, overlapping arguments) is read
 * once, under the first of its paths.
 */
export function readInputs(paths: readonly string[], opts: ReadOptions = {}): PolicyInput[] {
  const stdinName = opts.stdinName ?? '<stdin>';
  const byReal = new Map<string, string>();
  const texts = new Map<string, string>();
  const textOf = (f: FoundFile) => {
    let text = texts.get(f.real);
    if (text === undefined) texts.set(f.real, (text = readText(f.path)));
    return text;
  };
  // why: taken before the file is read, so that a change during the read shows as another stat next time.
  const stats = new Map<string, { stat?: string; known?: KnownText }>();
  const vouched = (path: string) => {
    let v = stats.get(path);
    if (v === undefined) {
      const stat = inputStat(path);
      const known = stat === undefined ? undefined : opts.vouch!(path, stat);
      stats.set(path, (v = { ...(stat === undefined ? {} : { stat }), ...(known === undefined ? {} : { known }) }));
    }
    return v;
  };
  const isPolicy = (f: FoundFile) => (opts.vouch && vouched(f.path).known?.policy) ?? isPolicyDocument(f.path, textOf(f));
  const inputs: PolicyInput[] = [];
  let found = 0;
  for (const p of paths) {
    if (p === '-') {
      inputs.push({ path: stdinName, text: asUsage(() => readStdinText(stdinName)) });
      continue;
    }
    let ignoredCount = 0;
    const ignored = opts.ignored && ((path: string) => opts.ignored!(path) && ++ignoredCount > 0);
    const matched = expandArgument(p, ignored);
    opts.found?.((found += matched.length));
    const policies = matched.filter((m) => !m.walked || isPolicy(m));
    if (policies.length === 0) throw new UsageError(`no policy files found at "${p}"${origin(p, opts)}${noPolicyReason(matched.length, ignoredCount)}`);
    for (const m of policies) {
      const known = byReal.get(m.real);
      if (known === undefined || m.path < known) byReal.set(m.real, m.path);
    }
  }
  for (const [real, f] of [...byReal].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))) {
    if (!opts.vouch) {
      inputs.push({ path: f, text: texts.get(real) ?? readText(f) });
      continue;
    }
    const { stat, known } = vouched(f);
    inputs.push(known === undefined ? { path: f, text: texts.get(real) ?? readText(f), ...(stat === undefined ? {} : { stat }) } : knownInput(f, stat!, known));
  }
  return inputs;
}

/** An input whose text the build cache vouches for: read when first used (a build scoped to a change uses few). */
function knownInput(path: string, stat: string, known: KnownText): PolicyInput {
  let text: string | undefined;
  return {
    path,
    stat,
    known,
    get text() {
      return (text ??= readText(path));
    },
  };
}

function origin(p: string, opts: ReadOptions): string {
  const from = opts.origin?.(p);
  return from === undefined ? '' : ` (${from})`;
}

function noPolicyReason(yamlFiles: number, ignored: number): string {
  const parts: string[] = [];
  if (yamlFiles > 0) parts.push(`${yamlFiles} YAML file(s) there, none with a top-level kind: cluster or fleet`);
  if (ignored > 0) parts.push(`${ignored} path(s) left out by the configuration's ignore`);
  return parts.length === 0 ? '' : `: ${parts.join('; ')}`;
}

/** Reads an input file (bounded, strictly UTF-8: see readInputFile); any problem is a usage error. */
export function readText(path: string): string {
  return asUsage(() => readInputFile(path));
}

function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
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
  if (inputs.some((i) => mayBeFleet(i) && documentKind(parseSource(i.path, i.text).data) === 'fleet')) return inputs;
  for (let dir = resolve(startDir); ; dir = dirname(dir)) {
    for (const name of FLEET_NAMES) {
      const candidate = join(dir, name);
      // why: lstat, not exists: a broken link or a FIFO named fleet.yaml is an error, not "no fleet".
      if (lstatSync(candidate, { throwIfNoEntry: false }) !== undefined) {
        const path = relativeIfInside(candidate);
        return inputs.some((i) => sameFile(i.path, candidate)) ? inputs : [...inputs, { path, text: readText(path) }];
      }
    }
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return inputs;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

function relativeIfInside(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** Where the fleet lookup starts for a command-line path: the path itself when it is a directory. */
export function startDirOf(path: string): string {
  const base = globBase(path) ?? path;
  try {
    return statSync(base).isDirectory() ? base : dirname(base);
  } catch {
    return dirname(base);
  }
}
