import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import picomatch from 'picomatch';
import { fileKind } from '../util/input-file.js';
import { errnoText } from '../util/errno.js';
import { UsageError } from './errors.js';

const YAML_FILE = /\.ya?ml$/i;
/** Shell semantics: `[!x]` negates a class (picomatch's default reads it otherwise), `{a,b}` alternates. */
const GLOB_OPTIONS = { posix: true, dot: false } as const;

/** A policy file found on the command line: the path it is shown by, and the real file it is. */
export interface FoundFile {
  path: string;
  real: string;
  /** Found by walking a directory or matching a glob, rather than named as it is. */
  walked?: true;
}

/** Whether a path under a walked directory (or a glob's base) is left out: the configuration's `ignore`. */
export type Ignored = (path: string) => boolean;

/**
 * Expands one command-line path into the files it names. A path that exists is taken literally,
 * glob characters and all; otherwise a path with glob syntax is matched (shell semantics) against
 * the files under its literal base directory. Directories are walked for `*.yaml` / `*.yml`.
 * Symbolic links are followed, to files and to directories; a directory reached again (a link
 * loop, or two links to one place) is walked once. A broken link, or a FIFO, socket or device
 * where a policy file would be, is an error: nothing is skipped silently, nothing waited on.
 * `ignored` prunes the walk (never the path itself: what is named is read).
 */
export function expandArgument(p: string, ignored?: Ignored): FoundFile[] {
  if (exists(p) || !picomatch.scan(p).isGlob) return expandPath(p, ignored);
  return expandGlob(p, ignored);
}

/** Where a glob's literal part ends: the directory its matches are searched under. */
export function globBase(p: string): string | undefined {
  if (exists(p)) return undefined;
  const scan = picomatch.scan(p);
  return scan.isGlob ? scan.base || '.' : undefined;
}

function exists(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

function expandPath(p: string, ignored: Ignored | undefined): FoundFile[] {
  const st = follow(p);
  if (st.isFile()) return [{ path: p, real: realpathSync(p) }];
  if (!st.isDirectory()) throw new UsageError(`cannot read ${p}: it is ${fileKind(st)}, not a regular file or a directory`);
  const walked = walk(p, ignored, (path) => YAML_FILE.test(path));
  const special = walked.special.find((s) => s.brokenLink || YAML_FILE.test(s.path));
  if (special) throw special.error;
  return walked.files;
}

function expandGlob(pattern: string, ignored: Ignored | undefined): FoundFile[] {
  const base = globBase(pattern)!;
  const baseStat = statSync(base, { throwIfNoEntry: false });
  if (!baseStat?.isDirectory()) return [];
  const isMatch = picomatch(pattern.split(sep).join('/'), GLOB_OPTIONS);
  const matches = (path: string) => isMatch(path.split(sep).join('/'));
  const walked = walk(base, ignored, matches);
  const special = walked.special.find((s) => matches(s.path));
  if (special) throw special.error;
  return walked.files;
}

/** stat through symbolic links, with a message that tells a broken link from a missing file. */
function follow(p: string): Stats {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ELOOP') && lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new UsageError(`cannot read ${p}: broken symbolic link (${code === 'ELOOP' ? 'it loops' : 'its target does not exist'})`);
    }
    throw new UsageError(`cannot read ${p}: ${errnoText(e)}`);
  }
}

interface Walk {
  files: FoundFile[];
  /** Entries that are neither a regular file nor a directory; an error when the caller wanted them. */
  special: { path: string; error: UsageError; brokenLink?: true }[];
}

/**
 * Every regular file under `root` that the caller `wants` by its path (hidden entries,
 * node_modules and what `ignored` names left out), links followed, each directory once. Files
 * are chosen while walking: a repository may hold a generated tree of 23,000 files per build
 * beside its policies, and listing it first cost a build some 0.3 s and 100 MiB.
 */
function walk(root: string, ignored: Ignored | undefined, wants: (path: string) => boolean): Walk {
  const out: Walk = { files: [], special: [] };
  const seen = new Set<string>();
  const visit = (dir: string, st: Stats) => {
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new UsageError(`cannot read ${dir}: ${errnoText(e)}`);
    }
    // why: one realpath per directory; only links need a stat and a realpath of their own.
    const realDir = realpathSync(dir);
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(dir, e.name);
      if (ignored?.(full)) continue;
      if (e.isFile()) {
        if (wants(full)) out.files.push({ path: full, real: join(realDir, e.name), walked: true });
        continue;
      }
      let target: Stats;
      try {
        target = follow(full);
      } catch (err) {
        // why: a broken link may have been a directory of policies; its name tells nothing.
        out.special.push({ path: full, error: err as UsageError, ...(e.isSymbolicLink() ? { brokenLink: true as const } : {}) });
        continue;
      }
      if (target.isDirectory()) visit(full, target);
      else if (!target.isFile()) out.special.push({ path: full, error: new UsageError(`cannot read ${full}: it is ${fileKind(target)}, not a regular file`) });
      else if (wants(full)) out.files.push({ path: full, real: realpathSync(full), walked: true });
    }
  };
  visit(root, follow(root));
  return out;
}
