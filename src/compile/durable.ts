import { open } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, lstatSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errnoText } from '../util/errno.js';
import { OutputError } from './output-error.js';

// How one file is written: durably, with the mode and owner it must have, never wider for a moment.

/** How many files are flushed at once; fsync waits on the device, not the CPU. */
const IO_CONCURRENCY = 64;

/** Runs `task` on every item, `IO_CONCURRENCY` at a time; the first failure stops new tasks. */
export async function eachConcurrently<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      try {
        await task(items[next++]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(IO_CONCURRENCY, items.length) }, lane));
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Mode of a file the build creates (the umask may narrow it); a file it replaces keeps its own. */
export const NEW_FILE_MODE = 0o644;
/** Mode of a directory the build creates (the umask may narrow it). */
export const NEW_DIRECTORY_MODE = 0o755;

/** What a replaced file keeps: its permission bits and its owner. */
export interface Kept {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Writes `content` to a new file. The file is created with the final mode (or narrower, by the
 * umask), never wider, so a replaced 0600 file's content is never readable by others, not even for
 * a moment; it then gets the replaced file's owner and exact mode (owner first: chown clears set-id
 * bits). Synchronous: creating a small file costs the kernel, not the device, and a round trip to
 * libuv's thread pool per call doubled that on 23,000 files. It is flushed to disk here when `sync`
 * (a few files), else by the caller once all are written (flushFiles).
 */
export function writeTemp(file: string, content: string | Buffer, kept: Kept | undefined, label: string, sync: boolean): void {
  const fd = openSync(file, 'wx', kept?.mode ?? NEW_FILE_MODE);
  try {
    if (kept) {
      const now = fstatSync(fd);
      if (now.uid !== kept.uid || now.gid !== kept.gid) {
        try {
          fchownSync(fd, kept.uid, kept.gid);
        } catch (e) {
          throw new OutputError(`cannot keep the owner of ${label} (uid ${kept.uid}, gid ${kept.gid}): ${errnoText(e)}`);
        }
      }
      fchmodSync(fd, kept.mode);
    }
    writeFileSync(fd, content);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * From this many files on, one sync of each file system they are on is cheaper than an fsync per
 * file (measured on ext4: 23,000 fsyncs took about 4 s, one syncfs well under one). Below it, the
 * fsyncs wait for these files only, not for whatever else is waiting to be written on that disk.
 */
export const SYNCFS_FROM = 64;

/** Whether `count` written files are better flushed each on its own than by flushFiles. */
export function syncEachFile(count: number): boolean {
  return count < SYNCFS_FROM || process.platform !== 'linux';
}

/**
 * Flushes the written `files` to disk: syncfs(2) of each file system they are on, through
 * coreutils' `sync -f` (Node has no binding for it), else, where that fails, an fsync per file.
 */
export async function flushFiles(files: readonly string[]): Promise<void> {
  const byDevice = new Map<number, string>();
  for (const f of files) {
    const dir = dirname(f);
    const dev = statSync(dir).dev;
    if (!byDevice.has(dev)) byDevice.set(dev, dir);
  }
  if (await syncFileSystems([...byDevice.values()])) return;
  await fsyncEach(files);
}

/** fsync of each file, IO_CONCURRENCY at a time. */
export async function fsyncEach(files: readonly string[]): Promise<void> {
  await eachConcurrently(files, async (f) => {
    const handle = await open(f, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

function syncFileSystems(dirs: readonly string[]): Promise<boolean> {
  if (dirs.length === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    execFile('sync', ['-f', '--', ...dirs], (error) => resolve(error === null));
  });
}

/** The mode and owner of the regular file `file` replaces, if there is one. */
export function keptOf(file: string): Kept | undefined {
  try {
    const st = lstatSync(file);
    return st.isFile() ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(`cannot read ${file}: ${errnoText(e)}`);
  }
}

/** fsync of a directory, so that the renames in it are durable; some file systems refuse it. */
export async function flushDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    return;
  }
}
