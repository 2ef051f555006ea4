import { existsSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE, type Config } from '../config/config.js';
import type { Finding } from '../findings.js';
import type { PolicyInput } from '../lint.js';
import { decodeUtf8, InputError } from '../util/input-file.js';
import { DEFAULT_PATHS, findConfig, loadConfig, runWith } from './config.js';
import { UsageError, readInputs, readText, startDirOf, withFleet } from './io.js';
import { checkout } from './revisions.js';
import { homeIn, listTree, readBlobs, treeInputs, type RevisionTree } from './revision-tree.js';

/** One side of a diff as read: its policy files, its configuration's rule settings, its recorded topology. */
export interface SideRead {
  label: string;
  inputs: PolicyInput[];
  configure: (findings: readonly Finding[]) => Finding[];
  /** The side's topology.json next to its policies, when it has one. */
  topologyFile?: string;
}

export interface SideOptions {
  policies?: string[];
  fleet?: string;
  /** A file with --config, false with --no-config. */
  config?: string | false;
}

/** Whether `p` names a directory (through links). */
export function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

function labelled<T>(label: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.lines.map((l) => `${label}: ${l}`));
    throw e;
  }
}

async function labelledAsync<T>(label: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.lines.map((l) => `${label}: ${l}`));
    throw e;
  }
}

/** --config FILE, read from the file system once; its paths are taken relative to `dir` (the side's root for it). */
function explicitConfig(file: string, home: string, cwd: string, dir: (real: string) => string): Config {
  const real = resolve(home, file);
  return loadConfig(real, cwd, readText(real), dir(dirname(real)));
}

/** Reads a side from the file system with `cwd` as the working directory, so that paths read alike on both sides. */
function readFiles(label: string, cwd: string, config: Config | undefined, opts: SideOptions, defaults: string[]): SideRead {
  const home = process.cwd();
  process.chdir(cwd);
  try {
    return labelled(label, () => {
      const o: { fleet?: string } = opts.fleet === undefined ? {} : { fleet: opts.fleet };
      const run = runWith(config, opts.policies ?? [], o, cwd, undefined, defaults);
      const first = run.paths[0] ?? '.';
      const inputs = withFleet(readInputs(run.paths, { ignored: run.ignored, origin: run.origin }), o.fleet, startDirOf(first));
      const topology = resolve(isDirectory(first) ? first : startDirOf(first), 'topology.json');
      return { label, inputs, configure: run.configure, ...(existsSync(topology) ? { topologyFile: topology } : {}) };
    });
  } finally {
    process.chdir(home);
  }
}

/** A directory as one side: the configuration found from it upwards, or --config with its paths inside the directory. */
export function readDirectory(dir: string, opts: SideOptions): SideRead {
  const home = process.cwd();
  const cwd = resolve(dir);
  if (!isDirectory(cwd)) throw new UsageError(`${dir} is not a directory`);
  const found = opts.config === undefined ? findConfig(cwd) : undefined;
  const config = labelled(dir, () =>
    opts.config === false ? undefined : opts.config !== undefined ? explicitConfig(opts.config, home, cwd, () => cwd) : found === undefined ? undefined : loadConfig(found, cwd),
  );
  return readFiles(dir, cwd, config, opts, ['.']);
}

/** The working tree as the head side, read as lint reads it. */
export function readWorkingTree(opts: SideOptions): SideRead {
  const home = process.cwd();
  const file = opts.config === false ? undefined : (opts.config ?? findConfig(home));
  const config = labelled('working tree', () => (file === undefined ? undefined : loadConfig(file, home)));
  return readFiles('working tree', home, config, opts, DEFAULT_PATHS);
}

async function blobText(tree: RevisionTree, path: string): Promise<string> {
  const oid = tree.files.get(path)!;
  const bytes = (await readBlobs(tree.top, [oid])).get(oid)!;
  try {
    return decodeUtf8(path, bytes);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** Where the configuration of a revision is: in the revision, from the working directory up to the top; else above the repository, as the file system has it. */
type Found = { in: 'tree' | 'files' | 'unreadable'; path: string } | undefined;

function findInRevision(tree: RevisionTree, at: string): Found {
  for (let dir = at; ; dir = posix.dirname(dir) === '.' ? '' : posix.dirname(dir)) {
    const candidate = dir === '' ? CONFIG_FILE : `${dir}/${CONFIG_FILE}`;
    if (tree.files.has(candidate)) return { in: 'tree', path: candidate };
    if (tree.other.has(candidate) || tree.dirs.has(candidate)) return { in: 'unreadable', path: candidate };
    if (dir === '') break;
  }
  const above = dirname(tree.top) === tree.top ? undefined : findConfig(dirname(tree.top));
  return above === undefined ? undefined : { in: 'files', path: above };
}

/**
 * A git revision as one side, read as lint would read it were the revision checked out at the
 * repository top: its own configuration file (or --config), its policy files. Read from git
 * objects when the tree reader can (src/cli/revision-tree.ts), else checked out with `git
 * worktree add` (removed by `cleanups`).
 */
export async function readRevision(label: string, top: string, commit: string, opts: SideOptions, cleanups: (() => void)[]): Promise<SideRead> {
  // why: git names the top by its real path; the working directory may be reached through a link.
  const home = realpathSync(process.cwd());
  const tree = listTree(top, commit);
  const at = homeIn(tree, home);
  if (at === undefined) throw new UsageError(`${label} has no directory ${relative(top, home) || '.'}: run diff from a directory that exists in both revisions`);
  const found = opts.config === undefined ? findInRevision(tree, at) : undefined;
  if (found?.in !== 'unreadable') {
    const text = found?.in === 'tree' ? await labelledAsync(label, () => blobText(tree, found.path)) : undefined;
    const config = labelled(label, () => {
      if (opts.config === false) return undefined;
      if (opts.config !== undefined) return explicitConfig(opts.config, home, home, (d) => d);
      if (found === undefined) return undefined;
      return found.in === 'tree' ? loadConfig(join(top, found.path), home, text) : loadConfig(found.path, home);
    });
    const inTree = (p: string) => {
      const rel = relative(top, resolve(home, p)).split(sep).join('/');
      return isAbsolute(p) ? existsSync(p) : tree.files.has(rel) || tree.dirs.has(rel) || tree.other.has(rel);
    };
    const o: { fleet?: string } = opts.fleet === undefined ? {} : { fleet: opts.fleet };
    const run = labelled(label, () => runWith(config, opts.policies ?? [], o, home, inTree));
    const inputs = await labelledAsync(label, () => treeInputs(tree, home, run.paths, o.fleet, run.ignored));
    if (inputs) return { label, inputs, configure: run.configure, ...(await topologyOf(tree, home, run.paths[0] ?? '.', cleanups)) };
  }
  const c = checkout(top, commit);
  cleanups.push(() => c.remove());
  const cwd = join(c.dir, at);
  const inCheckout = (d: string) => {
    const rel = relative(top, d);
    return rel.startsWith('..') || isAbsolute(rel) ? d : join(c.dir, rel);
  };
  const config = labelled(label, () => {
    if (opts.config === false) return undefined;
    if (opts.config !== undefined) return explicitConfig(opts.config, home, cwd, inCheckout);
    if (found === undefined) return undefined;
    // why: the revision holds a link or a directory under the name; the checkout reads it as lint would.
    return loadConfig(found.in === 'files' ? found.path : join(c.dir, found.path), cwd);
  });
  return readFiles(label, cwd, config, opts, DEFAULT_PATHS);
}

/** The revision's topology.json next to its policies, written to a temporary file for the topology reader. */
async function topologyOf(tree: RevisionTree, home: string, first: string, cleanups: (() => void)[]): Promise<{ topologyFile?: string }> {
  const rel = relative(tree.top, resolve(home, first)).split(sep).join('/');
  const dir = tree.dirs.has(rel) ? rel : posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
  const path = dir === '' ? 'topology.json' : `${dir}/topology.json`;
  if (!tree.files.has(path)) return {};
  const tmp = mkdtempSync(join(tmpdir(), 'succession-diff-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const file = join(tmp, 'topology.json');
  const oid = tree.files.get(path)!;
  writeFileSync(file, (await readBlobs(tree.top, [oid])).get(oid)!);
  return { topologyFile: file };
}
