import { errnoText } from '../util/errno.js';
import { closeSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { eachConcurrently, flushDirectory, flushFiles, fsyncEach, keptOf, syncEachFile, writeTemp } from './durable.js';
import { TEMP_FILE, discardWritten, makeDirs, tempName, type TempWriter } from './temp-files.js';
import { OutputError } from './output-error.js';

export { OutputError };

export type DriftKind = 'stale' | 'missing' | 'extra';

export interface Drift {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  kind: DriftKind;
}

/** Throws OutputError unless `dir` is a directory or does not exist yet; whether it exists. */
export function checkOutDir(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) throw new OutputError(`output directory ${dir} is not a directory`);
    return true;
  } catch (e) {
    if (e instanceof OutputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new OutputError(`cannot use output directory ${dir}: ${errnoText(e)}`);
  }
}

/** What readIfExists and holds return for a directory. */
const DIRECTORY = Symbol('directory');

/** The bytes of a file: bytes, not text, so that a file that is not UTF-8 never compares equal by accident. */
function readIfExists(file: string): Buffer | typeof DIRECTORY | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') return DIRECTORY;
    throw new OutputError(`cannot read ${file}: ${errnoText(e)}`);
  }
}

/**
 * The files under `outDir/rel`, as `/`-separated paths relative to `outDir`: built while walking,
 * since path.relative resolves both paths again for each of some 23,000 files.
 */
function walk(outDir: string, rel: string): string[] {
  let entries;
  const dir = join(outDir, rel);
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OutputError(`cannot read ${dir}: ${errnoText(e)}`);
  }
  return entries.flatMap((e) => {
    const path = `${rel}/${e.name}`;
    return e.isDirectory() ? walk(outDir, path) : [path];
  });
}

/**
 * A generated file that differs from what is on disk, with the text it should have, or the
 * temporary file that already holds that text (see TempWriter).
 */
export type Changed = {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  kind: 'missing' | 'stale';
} & ({ content: string } | { temp: string });

/** Generated files held against the output directory: every path the build produces, and the ones that differ. */
export interface Comparison {
  paths: string[];
  changed: Changed[];
}

/**
 * Buffers reused by every comparison: a rebuild compares some 23,000 files, and allocating a
 * buffer for each file's bytes and another for its expected bytes cost as much as reading them.
 */
let onDisk = Buffer.allocUnsafe(64 * 1024);
let expected = Buffer.allocUnsafe(64 * 1024);

/**
 * Whether `file` holds exactly the UTF-8 bytes of `content` (bytes, not text, so that a file that
 * is not UTF-8 never compares equal by accident); undefined when it does not exist.
 */
function holds(file: string, content: string): boolean | typeof DIRECTORY | undefined {
  const length = Buffer.byteLength(content, 'utf8');
  if (onDisk.length <= length) {
    onDisk = Buffer.allocUnsafe(length * 2);
    expected = Buffer.allocUnsafe(length * 2);
  }
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(`cannot read ${file}: ${errnoText(e)}`);
  }
  let got = 0;
  try {
    // why: reading one byte more than expected tells a longer file from an equal one without a stat.
    while (got <= length) {
      const n = readSync(fd, onDisk, got, length + 1 - got, null);
      if (n === 0) break;
      got += n;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') return DIRECTORY;
    throw new OutputError(`cannot read ${file}: ${errnoText(e)}`);
  } finally {
    closeSync(fd);
  }
  if (got !== length) return false;
  expected.write(content, 0, 'utf8');
  return onDisk.compare(expected, 0, length, 0, length) === 0;
}

/**
 * Adds `artifacts` to `into`, comparing each with its file under `outDir` (undefined: there is no
 * output directory yet, every file is missing). Only changed files keep their content, so a
 * comparison of an up-to-date tree holds paths alone; with a `writer`, a changed file's content
 * goes to its temporary file at once (a directory in its place is left to writeFiles to refuse).
 */
export function compareArtifacts(
  outDir: string | undefined,
  artifacts: readonly { path: string; content: string }[],
  into: Comparison = { paths: [], changed: [] },
  writer?: TempWriter,
): Comparison {
  for (const a of artifacts) {
    into.paths.push(a.path);
    const same = outDir === undefined ? undefined : holds(join(outDir, a.path), a.content);
    if (same === true) continue;
    const kind = same === undefined ? 'missing' : 'stale';
    const temp = writer && same !== DIRECTORY ? writer.write(a.path, a.content, same !== undefined) : undefined;
    into.changed.push(temp === undefined ? { path: a.path, kind, content: a.content } : { path: a.path, kind, temp });
  }
  return into;
}

/**
 * The drift of `outDir` from a comparison: its stale and missing files, and any other file under
 * the managed subdirectories (one per target) as extra. Reads directories only, unless `files`
 * already lists what is under them.
 */
export function diffTree(outDir: string, comparison: Comparison, managedDirs: readonly string[], files?: readonly string[]): Drift[] {
  const exists = checkOutDir(outDir);
  const drift: Drift[] = comparison.changed.map((c) => ({ path: c.path, kind: c.kind }));
  if (exists) {
    const wanted = new Set(comparison.paths);
    for (const rel of files ?? managedDirs.flatMap((d) => walk(outDir, d))) if (!wanted.has(rel)) drift.push({ path: rel, kind: 'extra' });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

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
 * running are left alone, and so are this build's own (`own`, absolute paths as written), which
 * are not listed. Returns the paths removed and the files left, relative (diffTree need not walk the
 * directories again).
 */
export function removeStaleTemps(outDir: string, managedDirs: readonly string[], own: ReadonlySet<string> = new Set()): { removed: string[]; remaining: string[] } {
  if (!checkOutDir(outDir)) return { removed: [], remaining: [] };
  const removed: string[] = [];
  const remaining: string[] = [];
  for (const d of managedDirs) {
    for (const rel of walk(outDir, d)) {
      const f = join(outDir, rel);
      if (own.has(f)) continue;
      const pid = TEMP_FILE.exec(basename(f))?.[1];
      // why: a temporary file with this process's own id is from an earlier build that had the same
      // pid (containers start every run as the same pid); left alone, it would block writing that file.
      if (pid === undefined || (Number(pid) !== process.pid && isRunning(Number(pid)))) {
        remaining.push(rel);
        continue;
      }
      try {
        unlinkSync(f);
      } catch (e) {
        throw new OutputError(`cannot remove ${f}: ${errnoText(e)}`);
      }
      removed.push(rel);
    }
  }
  return { removed: removed.sort(), remaining };
}

export type FileToWrite = {
  file: string;
  /** How the file is named in messages. */
  label: string;
} & (
  | {
      /** Text is written as UTF-8; bytes as they are (a merged file keeps bytes that are not UTF-8). */
      content: string | Buffer;
    }
  | {
      /** The temporary file a TempWriter wrote the new content to, found changed when it did. */
      temp: string;
    }
);

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/**
 * Writes files atomically, all or nothing as far as the file system allows: every changed file
 * is first written in full to a temporary file next to it (or was, by a TempWriter); then all of
 * them are flushed to disk at once (flushFiles: one sync of the file system for a large build, where
 * an fsync per file took most of its time); only then are they renamed over their targets, and the
 * directories flushed so that the renames last. A failure before the renames removes the temporary
 * files and the directories it made, and leaves every existing file untouched. A replaced regular
 * file keeps its mode and owner; a new file gets NEW_FILE_MODE. `file` is replaced itself: callers
 * resolve a symbolic link first when its target is meant. `made` are the directories the
 * TempWriters wrote into.
 */
export async function writeFiles(files: readonly FileToWrite[], made: Iterable<string> = []): Promise<WriteResult> {
  const result: WriteResult = { written: [], unchanged: [] };
  const changed: { file: string; label: string; temp: string }[] = [];
  const dirsMade = new Set<string>(made);
  const ahead = files.flatMap((f) => ('temp' in f ? [f.temp] : []));
  const created = [...ahead];
  const newDirs: string[] = [];
  // why: a failure before the renames leaves the tree as it was, but for the directories made ahead (the caller's).
  const undo = () => discardWritten([{ temps: created, dirs: [], created: newDirs }]);
  // why: writeFiles writes at most this many; a few are flushed each on its own (see SYNCFS_FROM).
  const each = syncEachFile(files.length);
  try {
    for (const f of files) {
      if ('temp' in f) {
        changed.push(f);
        continue;
      }
      const current = readIfExists(f.file);
      if (current === DIRECTORY) throw new OutputError(`cannot write ${f.file}: it is a directory`);
      if (current !== undefined && current.equals(typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content)) {
        result.unchanged.push(f.label);
        continue;
      }
      try {
        makeDirs(dirname(f.file), dirsMade, newDirs);
      } catch (e) {
        throw new OutputError(`cannot create ${dirname(f.file)}: ${errnoText(e)}`);
      }
      const temp = tempName(f.file);
      created.push(temp);
      try {
        writeTemp(temp, f.content, current === undefined ? undefined : keptOf(f.file), f.file, each);
      } catch (e) {
        if (e instanceof OutputError) throw e;
        throw new OutputError(`cannot write ${f.file}: ${errnoText(e)}`);
      }
      changed.push({ file: f.file, label: f.label, temp });
    }
    if (each) await fsyncEach(ahead);
    else await flushFiles(created);
  } catch (e) {
    undo();
    throw e;
  }
  // why: a directory the build made is an entry in its parent, which must last as the renames do
  // (`dirsMade` holds every directory the files go to, new or not, and the ones made above them).
  const dirs = new Set<string>([...dirsMade].map((d) => dirname(d)));
  for (const f of changed) {
    try {
      renameSync(f.temp, f.file);
    } catch (e) {
      undo();
      throw new OutputError(`cannot replace ${f.file}: ${errnoText(e)}`);
    }
    dirs.add(dirname(f.file));
    result.written.push(f.label);
  }
  await eachConcurrently([...dirs], flushDirectory);
  return result;
}

/** The files writeFiles needs to put the artifacts (or changed files) under `outDir`; throws when it is unusable. */
export function treeFiles(outDir: string, artifacts: readonly ({ path: string } & ({ content: string } | { temp: string }))[]): FileToWrite[] {
  checkOutDir(outDir);
  return artifacts.map((a) => ({ file: join(outDir, a.path), label: a.path, ...('temp' in a ? { temp: a.temp } : { content: a.content }) }));
}
