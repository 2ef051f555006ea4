import { open } from 'node:fs/promises';
import { lstatSync } from 'node:fs';
import { errnoText } from '../util/errno.js';
import { OutputError } from './output-error.js';

// How one file is written: durably, with the mode and owner it must have, never wider for a moment.

/** How many files are written and flushed at once; fsync waits on the device, not the CPU. */
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
 * Writes `content` to a new file and flushes it to disk. The file is created with the final mode
 * (or narrower, by the umask), never wider, so a replaced 0600 file's content is never readable by
 * others, not even for a moment; it then gets the replaced file's owner and exact mode (owner
 * first: chown clears set-id bits).
 */
export async function writeDurably(file: string, content: Buffer, kept: Kept | undefined, label: string): Promise<void> {
  const handle = await open(file, 'wx', kept?.mode ?? NEW_FILE_MODE);
  try {
    if (kept) {
      const now = await handle.stat();
      if (now.uid !== kept.uid || now.gid !== kept.gid) {
        try {
          await handle.chown(kept.uid, kept.gid);
        } catch (e) {
          throw new OutputError(`cannot keep the owner of ${label} (uid ${kept.uid}, gid ${kept.gid}): ${errnoText(e)}`);
        }
      }
      await handle.chmod(kept.mode);
    }
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
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
