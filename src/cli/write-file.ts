import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoText } from '../util/errno.js';
import { UsageError } from './io.js';

/** Temp file in the target's directory, fsync, rename: readers see the old file or the new one. */
export function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // why: the temp file may never have been created; nothing else to clean.
    }
    throw new UsageError(`cannot write ${path}: ${errnoText(e)}`);
  }
}
