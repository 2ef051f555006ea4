import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { PolicyInput } from '../lint.js';
import { documentKind } from '../policy/schema.js';
import { parseSource } from '../policy/source.js';
import { redactSecrets } from '../topology/http.js';
import { InputError, readInputFile, readStdinText } from '../util/input-file.js';
import { UsageError } from './errors.js';
import { expandArgument, globBase } from './expand.js';

export { UsageError };

/** Prints a fatal message on stderr, prefixed with the program name; never a stack trace. */
export function reportFatal(message: string): void {
  // why: a last guard; the sources already leave credentials out of what they report.
  process.stderr.write(`succession: ${redactSecrets(message)}\n`);
}

/**
 * Expands command-line paths into policy inputs (files, directories walked for `*.yaml` /
 * `*.yml`, globs; see expandArgument) and reads them; `-` reads standard input. A path that
 * matches nothing is a usage error (a typo must not make CI pass on zero files). A file reached
 * by several paths (links, overlapping arguments) is read once, under the first of its paths.
 */
export function readInputs(paths: readonly string[], stdinName = '<stdin>'): PolicyInput[] {
  const byReal = new Map<string, string>();
  const inputs: PolicyInput[] = [];
  for (const p of paths) {
    if (p === '-') {
      inputs.push({ path: stdinName, text: asUsage(() => readStdinText(stdinName)) });
      continue;
    }
    const matched = expandArgument(p);
    if (matched.length === 0) throw new UsageError(`no policy files found at "${p}"`);
    for (const m of matched) {
      const known = byReal.get(m.real);
      if (known === undefined || m.path < known) byReal.set(m.real, m.path);
    }
  }
  for (const f of [...byReal.values()].sort()) inputs.push({ path: f, text: readText(f) });
  return inputs;
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
 * Writes to stdout; a closed pipe (`| head -1`) ends the process quietly instead of throwing EPIPE.
 */
export function writeOut(text: string): void {
  if (text === '') return;
  process.stdout.write(text);
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

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
