import { open } from 'node:fs/promises';
import { errnoText } from '../util/errno.js';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Artifact } from './artifact.js';

/** The output directory cannot be used: exit 2, nothing written. */
export class OutputError extends Error {}

export type DriftKind = 'stale' | 'missing' | 'extra';

export interface Drift {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  kind: DriftKind;
}

/** Throws OutputError unless `dir` is a directory or does not exist yet. */
function checkOutDir(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) throw new OutputError(`output directory ${dir} is not a directory`);
    return true;
  } catch (e) {
    if (e instanceof OutputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new OutputError(`cannot use output directory ${dir}: ${errnoText(e)}`);
  }
}

/** What readIfExists returns for a directory: no file's content can equal it. */
const DIRECTORY = '\u0000directory';

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') return DIRECTORY;
    throw new OutputError(`cannot read ${file}: ${errnoText(e)}`);
  }
}

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OutputError(`cannot read ${dir}: ${errnoText(e)}`);
  }
  return entries.flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });
}

/**
 * Compares the desired files with `outDir`: a file whose bytes differ is stale, an absent one
 * missing, and any other file under the managed subdirectories (one per target) extra. Reads only.
 */
export function diffTree(outDir: string, artifacts: readonly Artifact[], managedDirs: readonly string[]): Drift[] {
  const exists = checkOutDir(outDir);
  const drift: Drift[] = [];
  const wanted = new Set(artifacts.map((a) => a.path));
  for (const a of artifacts) {
    const current = exists ? readIfExists(join(outDir, a.path)) : undefined;
    if (current === undefined) drift.push({ path: a.path, kind: 'missing' });
    else if (current !== a.content) drift.push({ path: a.path, kind: 'stale' });
  }
  if (exists) {
    for (const d of managedDirs) {
      for (const f of walk(join(outDir, d))) {
        const rel = relative(outDir, f).split(sep).join('/');
        if (!wanted.has(rel)) drift.push({ path: rel, kind: 'extra' });
      }
    }
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** How many files are flushed to disk at once; fsync waits on the device, not the CPU. */
const FLUSH_CONCURRENCY = 64;

/** fsync of every path, many at a time. Directories that refuse fsync are skipped. */
async function flushAll(paths: readonly string[], directories: boolean): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      let handle;
      try {
        handle = await open(path, directories ? 'r' : 'r+');
        await handle.sync();
      } catch (e) {
        // why: the rename is durable only once the directory entry is; some file systems refuse
        // fsync on a directory, which then is no worse than not trying.
        if (!directories) throw e;
      } finally {
        await handle?.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FLUSH_CONCURRENCY, paths.length) }, worker));
}

/** Writes `content` to a new file (flushed later, all files together). */
function writeNew(file: string, content: string): void {
  const fd = openSync(file, 'wx', 0o644);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/**
 * `mkdir -p`. Not mkdirSync's recursive mode: on Node 20 it loops forever where mkdir(2) answers
 * ENOENT although the parent exists (`--out /proc/self/x`).
 */
function makeDirs(dir: string, made: Set<string>): void {
  if (made.has(dir)) return;
  made.add(dir);
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw e;
    makeDirs(dirname(dir), made);
    mkdirSync(dir);
  }
}

function tempName(file: string): string {
  return join(dirname(file), `.${file.slice(dirname(file).length + 1)}.succession-${process.pid}.tmp`);
}

/** Names of the temporary files writeFiles creates. */
const TEMP_FILE = /^\..+\.succession-([0-9]+)\.tmp$/;

/** Whether a process with this id exists (a build still writing its temporary files). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes temporary files a killed build left in the managed directories (a kill between write
 * and rename leaves one; the target itself is still whole). Files of a build that is still
 * running are left alone. Returns the paths removed, relative.
 */
export function removeStaleTemps(outDir: string, managedDirs: readonly string[]): string[] {
  if (!checkOutDir(outDir)) return [];
  const removed: string[] = [];
  for (const d of managedDirs) {
    for (const f of walk(join(outDir, d))) {
      const pid = TEMP_FILE.exec(basename(f))?.[1];
      // why: a temporary file with this process's own id is from an earlier build that had the same
      // pid (containers start every run as the same pid); left alone, it would block writing that file.
      if (pid === undefined || (Number(pid) !== process.pid && isRunning(Number(pid)))) continue;
      try {
        unlinkSync(f);
      } catch (e) {
        throw new OutputError(`cannot remove ${f}: ${errnoText(e)}`);
      }
      removed.push(relative(outDir, f).split(sep).join('/'));
    }
  }
  return removed.sort();
}

export interface FileToWrite {
  file: string;
  content: string;
  /** How the file is named in messages. */
  label: string;
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/**
 * Writes files atomically, all or nothing as far as the file system allows: every changed file
 * is first written in full to a temporary file next to it, and all of them are flushed to disk
 * (many at a time: one by one, flushing 20,000 files took most of a large build); only then are
 * they renamed over their targets. A failure before the renames removes the temporary files and
 * leaves every existing file untouched.
 */
export async function writeFiles(files: readonly FileToWrite[]): Promise<WriteResult> {
  const result: WriteResult = { written: [], unchanged: [] };
  const pending: { file: string; temp: string; label: string }[] = [];
  const made = new Set<string>();
  try {
    for (const f of files) {
      const current = readIfExists(f.file);
      if (current === DIRECTORY) throw new OutputError(`cannot write ${f.file}: it is a directory`);
      if (current === f.content) {
        result.unchanged.push(f.label);
        continue;
      }
      try {
        makeDirs(dirname(f.file), made);
      } catch (e) {
        throw new OutputError(`cannot create ${dirname(f.file)}: ${errnoText(e)}`);
      }
      const temp = tempName(f.file);
      try {
        writeNew(temp, f.content);
      } catch (e) {
        throw new OutputError(`cannot write ${f.file}: ${errnoText(e)}`);
      }
      pending.push({ file: f.file, temp, label: f.label });
    }
    try {
      await flushAll(pending.map((p) => p.temp), false);
    } catch (e) {
      throw new OutputError(`cannot flush the new files to disk: ${errnoText(e)}`);
    }
  } catch (e) {
    for (const p of pending) unlinkQuietly(p.temp);
    throw e;
  }
  const dirs = new Set<string>();
  for (const p of pending) {
    try {
      renameSync(p.temp, p.file);
    } catch (e) {
      for (const q of pending) unlinkQuietly(q.temp);
      throw new OutputError(`cannot replace ${p.file}: ${errnoText(e)}`);
    }
    dirs.add(dirname(p.file));
    result.written.push(p.label);
  }
  await flushAll([...dirs], true);
  return result;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    return;
  }
}

/** The files writeFiles needs to put the artifacts under `outDir`; throws when it is unusable. */
export function treeFiles(outDir: string, artifacts: readonly Artifact[]): FileToWrite[] {
  checkOutDir(outDir);
  return artifacts.map((a) => ({ file: join(outDir, a.path), content: a.content, label: a.path }));
}
